// The kubelet's `Killing` event for a deleted pod, recorded by the control plane (the
// deleter) in the transaction that starts the pod's termination: when it turns Terminating,
// or when it is removed at once.

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
