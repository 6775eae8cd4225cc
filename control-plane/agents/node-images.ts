// An agent's `nodeImages` report (image pre-pull): the images it has become its Node's
// `status.images` (written only when they changed), and each pre-pull that changed state
// becomes an event on the DaemonSets whose rollout wanted the image, so that `kubectl
// describe ds` shows the progress: Pulling, Pulled, and a Warning PrePullFailed with the
// engine's words. The message was checked (message-validation.ts) before it gets here.

import { isDeepStrictEqual } from "node:util";
import type { ContainerImage, DaemonSet, Node } from "../../shared/api-types.js";
import type { Logger } from "../../shared/logger.js";
import type { NodeImagesMessage, PrePullState } from "../../shared/protocol.js";
import { EventRecorder } from "../events/event-recorder.js";
import type { Store } from "../store/store.js";

export interface PrePullEvent {
  type: "Normal" | "Warning";
  reason: "Pulling" | "Pulled" | "PrePullFailed";
  message: string;
  image: string;
}

/** The Node with `images` as its status.images; undefined when unchanged. */
export function nodeWithImages(node: Node, images: ContainerImage[]): Node | undefined {
  const before = node.status?.images ?? [];
  if (isDeepStrictEqual(before, images)) return undefined;
  // Only the status is new: the store copies whatever it writes that is not already frozen.
  const status = { ...(node.status ?? {}) };
  if (images.length > 0) status.images = structuredClone(images);
  else delete status.images;
  return { ...node, status };
}

/** The events for the pre-pulls whose state differs from the previous report's. Pure. */
export function prePullEvents(
  nodeName: string,
  previous: ReadonlyMap<string, PrePullState>,
  states: readonly PrePullState[],
): PrePullEvent[] {
  const events: PrePullEvent[] = [];
  for (const s of states) {
    const before = previous.get(s.image);
    if (before && before.state === s.state && before.message === s.message) continue;
    const image = s.image;
    if (s.state === "Pulling")
      events.push({
        type: "Normal",
        reason: "Pulling",
        image,
        message: `Pulling image "${image}" on node ${nodeName} ahead of the rollout (prePull)`,
      });
    else if (s.state === "Present")
      events.push({
        type: "Normal",
        reason: "Pulled",
        image,
        message:
          before?.state === "Pulling"
            ? `Pulled image "${image}" on node ${nodeName}: its pod may now be replaced`
            : `Image "${image}" is already present on node ${nodeName}: its pod may now be replaced`,
      });
    else
      events.push({
        type: "Warning",
        reason: "PrePullFailed",
        image,
        message:
          `Failed to pre-pull image "${image}" on node ${nodeName}: ${s.message ?? s.reason ?? "unknown error"}; ` +
          "the node keeps its old pod and its agent tries again with back-off",
      });
  }
  return events;
}

export interface NodeImagesDeps {
  store: Store;
  events: EventRecorder;
  logger: Logger;
  /** The DaemonSets whose rollout wants the image on the node. */
  wantersOf(nodeName: string, image: string): readonly DaemonSet[];
}

/** Applies nodeImages reports; remembers each node's last pre-pull states for the events. */
export class NodeImagesIngest {
  private readonly last = new Map<string, Map<string, PrePullState>>();

  constructor(private readonly deps: NodeImagesDeps) {}

  accept(nodeName: string, message: NodeImagesMessage): void {
    const previous = this.last.get(nodeName) ?? new Map<string, PrePullState>();
    const events = prePullEvents(nodeName, previous, message.prePull);
    this.last.set(nodeName, new Map(message.prePull.map((s) => [s.image, s])));
    const images: ContainerImage[] = message.images.map((i) =>
      i.sizeBytes === undefined ? { names: [...i.names] } : { names: [...i.names], sizeBytes: i.sizeBytes },
    );
    try {
      this.deps.store.transaction((tx) => {
        const node = tx.get<Node>("nodes", undefined, nodeName);
        const next = node && nodeWithImages(node, images);
        if (next) tx.update("nodes", next);
        for (const e of events) {
          for (const ds of this.deps.wantersOf(nodeName, e.image)) {
            const ref = EventRecorder.referenceTo(ds, "DaemonSet", "apps/v1");
            // Like the pod events the agents' reports make: from the node's kubelet.
            const source = { component: "kubelet", host: nodeName };
            this.deps.events.record(ref, e.type, e.reason, e.message, source, tx);
          }
        }
      });
    } catch (err) {
      this.deps.logger.warn("cannot store a node's images", { node: nodeName, err });
    }
  }

  /** The node is gone. */
  forget(nodeName: string): void {
    this.last.delete(nodeName);
  }
}
