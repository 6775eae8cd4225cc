// Image pre-pull (`rollingUpdate.prePull`), as the rollout sees it. Pure.
//
// Every node due for the update (in the canary set, rollout not paused, reachable, running a
// pod of another revision and none of the update revision) is asked to pull the update
// revision's images; the rollout replaces its pod only once the node's agent reports them
// all in `node.status.images`. A failed pull does not release the node: its agent tries
// again with the image-pull back-off and the node keeps its old, working pod (a new pod
// could not start without the image either); the Warning events say why, and the progress
// deadline ends a rollout that cannot get its image anywhere. A node whose agent cannot
// pre-pull (an older agent) is updated as without pre-pull; one whose agent has not said
// hello since the control plane started waits for it.

import type { ContainerImage, DaemonSet, Node, Pod } from "../../shared/api-types.js";
import { AGENT_LIMITS, type PrePullImage } from "../../shared/protocol.js";
import { isPodUpdated } from "./pod-utils.js";

/** Whether a node's agent pre-pulls: it said so, said it cannot, or has not said hello yet. */
export type PrePullSupport = "yes" | "no" | "unknown";

/** What the controller needs of the agents' side (control-plane/agents/pre-pull-board.ts). */
export interface PrePullLink {
  support(nodeName: string): PrePullSupport;
  /** Every planned DaemonSet's wants of this pass (replacing the previous pass's). */
  publish(
    work: readonly {
      ds: DaemonSet;
      plan: { prePull?: ReadonlyMap<string, readonly PrePullImage[]> };
    }[],
  ): void;
}

export interface PrePullInput {
  ds: DaemonSet;
  hash: string;
  templateGeneration?: number;
  nodes: readonly Node[];
  /** Nodes the rollout may move to the update revision now (empty while paused). */
  targets: ReadonlySet<string>;
  unreachable: ReadonlySet<string>;
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  support?: (nodeName: string) => PrePullSupport;
}

export interface PrePullPlan {
  /** Per due node, the images to pull. */
  wanted: Map<string, PrePullImage[]>;
  /** Due nodes whose pod may be replaced: they have the images, or their agent cannot pre-pull. */
  ready: Set<string>;
  /** Due nodes that report every image. */
  prePulled: number;
  /** Due nodes still waiting for theirs (pulling, retrying after a failure, or not yet said hello). */
  pending: number;
}

/** Whether the DaemonSet asks for pre-pull (RollingUpdate with `prePull: true`). */
export function wantsPrePull(ds: DaemonSet): boolean {
  return (
    (ds.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate" &&
    ds.spec.updateStrategy?.rollingUpdate?.prePull === true
  );
}

/**
 * The update revision's images (init containers first), each once, with its pull policy.
 * A reference longer than any engine takes is left to the pod's own pull (and its error).
 */
export function templateImages(ds: DaemonSet): PrePullImage[] {
  const spec = ds.spec.template.spec;
  const seen = new Map<string, PrePullImage>();
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    if (typeof c.image !== "string" || c.image === "" || seen.has(c.image)) continue;
    if (Buffer.byteLength(c.image) > AGENT_LIMITS.imageRefBytes) continue;
    const policy = c.imagePullPolicy as PrePullImage["pullPolicy"];
    seen.set(c.image, policy ? { image: c.image, pullPolicy: policy } : { image: c.image });
  }
  return [...seen.values()];
}

/** Every name a node's reported images go by. */
export function reportedNames(images: readonly ContainerImage[] | undefined): Set<string> {
  const names = new Set<string>();
  for (const i of images ?? []) for (const n of i.names ?? []) names.add(n);
  return names;
}

/** Which nodes are due, which may be replaced now, and the counts for the status. */
export function planPrePull(input: PrePullInput): PrePullPlan {
  const plan: PrePullPlan = { wanted: new Map(), ready: new Set(), prePulled: 0, pending: 0 };
  const images = templateImages(input.ds);
  if (images.length === 0) return plan;
  const byName = new Map(input.nodes.map((n) => [n.metadata.name ?? "", n]));
  const updated = (p: Pod): boolean => isPodUpdated(p, input.hash, input.templateGeneration);
  for (const name of input.targets) {
    if (input.unreachable.has(name)) continue;
    const pods = input.podsByNode.get(name) ?? [];
    if (pods.length === 0 || pods.some(updated)) continue;
    plan.wanted.set(name, images);
    const have = reportedNames(byName.get(name)?.status?.images);
    if (images.every((i) => have.has(i.image))) {
      plan.ready.add(name);
      plan.prePulled++;
    } else if ((input.support?.(name) ?? "no") === "no") {
      plan.ready.add(name);
    } else {
      plan.pending++;
    }
  }
  return plan;
}
