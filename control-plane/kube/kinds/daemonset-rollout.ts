// everynode's rollout fields on apps/v1 DaemonSet, as the DaemonSet kind's overlay: strict
// field validation, strategic merge patch, both OpenAPI documents and `kubectl explain` take
// them from here. None has a schema default: defaulting writes none of them, so that a plain
// Kubernetes manifest is stored exactly as a real API server stores it; each description
// says what an unset field means. Validation is in validation/daemonset.ts; the TypeScript
// view is shared/api-types.ts's RollingUpdateDaemonSet and DaemonSetRolloutStatus.

import type { Overlay } from "./kind.js";
import { type Definition, META_V1, ref } from "../openapi/definitions.js";

/** The prefix of everynode's own definitions for apps/v1 DaemonSet. */
const PREFIX = "io.everynode.apps.v1";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

const bool = (description: string): Definition => ({ type: "boolean", description });
const int32 = (description: string): Definition => ({ type: "integer", format: "int32", description });
const int64 = (description: string): Definition => ({ type: "integer", format: "int64", description });
const str = (description: string): Definition => ({ type: "string", description });
const time = (description: string): Definition => ({ ...ref(`${META_V1}.Time`), description });
const named = (name: string, description: string): Definition => ({ ...ref(name), description });

/** everynode's definitions the overlay refers to. */
export const DAEMONSET_ROLLOUT_DEFINITIONS: Readonly<Record<string, Definition>> = {
  [`${PREFIX}.DaemonSetAutoPause`]: {
    description:
      "everynode: a revision's rollout pauses itself this way at most once; resuming lets it go on.",
    type: "object",
    properties: {
      enabled: bool("everynode: whether auto-pause is on. Unset means true."),
      maxRestarts: int32("everynode: container restarts of a new pod that pause the rollout. Unset means 3."),
      maxNotReadySeconds: int32(
        "everynode: seconds a new pod may stay not Ready before it pauses the rollout. Unset means 300.",
      ),
    },
  },
  [`${PREFIX}.DaemonSetRolloutStatus`]: {
    description:
      "everynode: written by the controller; the node counts are of the nodes that should run the DaemonSet.",
    type: "object",
    required: [
      "updateRevision",
      "updateHash",
      "updatedNodes",
      "oldNodes",
      "heldBackNodes",
      "updatedAvailableNodes",
    ],
    properties: {
      updateRevision: int64("The revision being rolled out (the template's)."),
      updateHash: str("The hash of the update revision."),
      stableRevision: int64(
        "The last revision that ran available on every node: what held-back and paused nodes get.",
      ),
      stableHash: str("The hash of the stable revision."),
      updatedNodes: int32("Desired nodes whose pod is of the update revision."),
      oldNodes: int32("Desired nodes whose pod is of another revision."),
      heldBackNodes: int32("Desired nodes held back on the stable revision (partition, selector, pause)."),
      updatedAvailableNodes: int32("Desired nodes with an available pod of the update revision."),
      lastProgressTime: time(
        "When a node last became updated and available, or the rollout started or resumed.",
      ),
      stop: named(`${PREFIX}.DaemonSetRolloutStop`, "A rollout the controller stopped itself."),
      prePulledNodes: int32("Pre-pull: nodes due for the update whose agent has the new images."),
      prePullPendingNodes: int32("Pre-pull: nodes due for the update still pulling the new images."),
    },
  },
  [`${PREFIX}.DaemonSetRolloutStop`]: {
    description: "A rollout stopped by the controller itself (auto-pause or progress deadline).",
    type: "object",
    required: ["hash", "reason", "message", "time", "active"],
    properties: {
      hash: str("The revision hash it stopped; a new template lifts the stop."),
      reason: str("Why: AutoPaused or ProgressDeadlineExceeded."),
      message: str("What happened, for people."),
      time: time("When it stopped."),
      active: bool("False once the user resumed (the same revision is then not stopped again)."),
      rolledBackTo: str("The stable revision's hash the controller rolled back to, if it did."),
    },
  },
};

/** The fields everynode adds to RollingUpdateDaemonSet and DaemonSetStatus. */
export const DAEMONSET_ROLLOUT_OVERLAY: Overlay = {
  "spec.updateStrategy.rollingUpdate": {
    properties: {
      paused: bool(
        "everynode: while true, no pod is replaced; nodes that need a new pod get the stable revision's (the last one that ran available on every node). The controller also sets it when it stops a rollout itself (auto-pause, progress deadline). Unset means false.",
      ),
      partition: named(
        INT_OR_STRING,
        "everynode: how many desired nodes keep the stable revision (an integer, or a percent of the desired nodes rounded up). Nodes are updated in canary order: nodes already on the new revision first, then by node name. Unset means 0.",
      ),
      selector: named(
        `${META_V1}.LabelSelector`,
        "everynode: a node label selector; only matching nodes are updated, the others keep the stable revision. Unset means every node.",
      ),
      progressDeadlineSeconds: int32(
        "everynode: seconds without any node becoming updated and available after which the rollout fails: condition Progressing=False, reason ProgressDeadlineExceeded, and the rollout stops (or rolls back, with autoRollback). Unset means 600.",
      ),
      autoRollback: bool(
        "everynode: when the progress deadline passes, set the template back to the last revision that ran available on every node (an event says so). Unset means false.",
      ),
      autoPause: named(
        `${PREFIX}.DaemonSetAutoPause`,
        "everynode: pause the rollout when a pod of the new revision fails: crash-loops or restarts maxRestarts times, cannot get its image, or stays not Ready for maxNotReadySeconds. Once per revision.",
      ),
      prePull: bool(
        "everynode: every node due for the update (in the canary set, rollout not paused) pulls the new revision's images, with each container's imagePullPolicy, before its old pod is stopped; its pod is replaced, within maxUnavailable, once its agent reports them in node.status.images. A failed pull keeps the node's old pod (Warning event PrePullFailed; the agent retries with back-off). Unset means false.",
      ),
    },
  },
  status: {
    properties: {
      rollout: named(
        `${PREFIX}.DaemonSetRolloutStatus`,
        "everynode: the rollout: the update and stable revisions, the nodes on each, and a stop the controller made (auto-pause, progress deadline).",
      ),
    },
  },
};
