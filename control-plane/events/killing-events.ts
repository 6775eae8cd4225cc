// The kubelet's `Killing` event for a deleted pod. everynode removes pods from the store at
// once (no graceful deletion), so the agent can no longer report on them afterwards; the
// control plane records what the node's kubelet would, in the deleting transaction.

import type { Pod } from "../../shared/api-types.js";
import { EventRecorder } from "./event-recorder.js";
import type { StoreWriter } from "../store/store.js";

/** Records "Stopping container NAME" for each container of a deleted pod bound to a node. */
export function recordKilling(events: EventRecorder, pod: Pod, tx: StoreWriter): void {
  const node = pod.spec?.nodeName;
  if (!node) return;
  const ref = EventRecorder.referenceTo(pod, "Pod", "v1");
  for (const c of pod.spec?.containers ?? []) {
    events.record(
      { ...ref, fieldPath: `spec.containers{${c.name}}` },
      "Normal",
      "Killing",
      `Stopping container ${c.name}`,
      { component: "kubelet", host: node },
      tx,
    );
  }
}
