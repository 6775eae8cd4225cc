// everynode's extension fields on apps/v1 DaemonSet for rollouts, as one data object: the
// schema registry's overlay for upstream kinds can take them in one step. Until then the
// same fields sit, marked, in the hand-written lists (api/known-fields.ts for
// fieldValidation=Strict, api/openapi-v2.ts for `kubectl explain`), validation
// (api/validation/daemonset.ts) and defaults (api/defaults.ts).

export interface ExtensionField {
  /** Dotted path from the object's root. */
  path: string;
  type: "boolean" | "integer" | "int-or-string" | "object" | "string" | "LabelSelector";
  description: string;
  /**
   * What an unset field means. Defaulting writes none of them, so that a plain Kubernetes
   * manifest is stored exactly as a real apiserver stores it.
   */
  unsetMeans?: unknown;
}

const RU = "spec.updateStrategy.rollingUpdate";
const RS = "status.rollout";

export const DAEMONSET_ROLLOUT_FIELDS: readonly ExtensionField[] = [
  {
    path: `${RU}.paused`,
    unsetMeans: false,
    type: "boolean",
    description:
      "everynode: while true, no pod is replaced; nodes that need a new pod get the stable revision's (the last one that ran available on every node). The controller also sets it when it stops a rollout itself (auto-pause, progress deadline). Unset means false.",
  },
  {
    path: `${RU}.partition`,
    unsetMeans: 0,
    type: "int-or-string",
    description:
      "everynode: how many desired nodes keep the stable revision (an integer, or a percent of the desired nodes rounded up). Nodes are updated in canary order: nodes already on the new revision first, then by node name. Unset means 0.",
  },
  {
    path: `${RU}.selector`,
    type: "LabelSelector",
    description:
      "everynode: a node label selector; only matching nodes are updated, the others keep the stable revision. Unset means every node.",
  },
  {
    path: `${RU}.progressDeadlineSeconds`,
    unsetMeans: 600,
    type: "integer",
    description:
      "everynode: seconds without any node becoming updated and available after which the rollout fails: condition Progressing=False, reason ProgressDeadlineExceeded, and the rollout stops (or rolls back, with autoRollback). Unset means 600.",
  },
  {
    path: `${RU}.autoRollback`,
    unsetMeans: false,
    type: "boolean",
    description:
      "everynode: when the progress deadline passes, set the template back to the last revision that ran available on every node (an event says so). Unset means false.",
  },
  {
    path: `${RU}.autoPause`,
    type: "object",
    description:
      "everynode: pause the rollout when a pod of the new revision fails: crash-loops or restarts maxRestarts times, cannot get its image, or stays not Ready for maxNotReadySeconds. Once per revision.",
  },
  {
    path: `${RU}.autoPause.enabled`,
    unsetMeans: true,
    type: "boolean",
    description: "everynode: whether auto-pause is on. Unset means true.",
  },
  {
    path: `${RU}.autoPause.maxRestarts`,
    unsetMeans: 3,
    type: "integer",
    description: "everynode: container restarts of a new pod that pause the rollout. Unset means 3.",
  },
  {
    path: `${RU}.autoPause.maxNotReadySeconds`,
    unsetMeans: 300,
    type: "integer",
    description:
      "everynode: seconds a new pod may stay not Ready before it pauses the rollout. Unset means 300.",
  },
  {
    path: `${RU}.prePull`,
    unsetMeans: false,
    type: "boolean",
    description:
      "everynode: every node due for the update pulls the new revision's images before its old pod is stopped. Not available yet: true is refused (422). Unset means false.",
  },
  {
    path: RS,
    type: "object",
    description:
      "everynode: the rollout: updateRevision/updateHash, stableRevision/stableHash (the last revision that ran available on every node), updatedNodes, oldNodes, heldBackNodes, updatedAvailableNodes, lastProgressTime, prePulledNodes, prePullPendingNodes, and stop (a rollout the controller stopped: hash, reason, message, time, active, rolledBackTo).",
  },
];

/** The rollingUpdate fields everynode adds (names only), for the field lists. */
export const ROLLING_UPDATE_EXTENSION_KEYS = [
  "paused",
  "partition",
  "selector",
  "progressDeadlineSeconds",
  "autoRollback",
  "autoPause",
  "prePull",
] as const;
