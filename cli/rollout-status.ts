// kubectl's verdict on a DaemonSet rollout, word for word.

import type { DaemonSet } from "../shared/api-types.js";
import { EverynodeError } from "../shared/errors.js";

/** The message for a DaemonSet's current state and whether the rollout is done. */
export function daemonSetRolloutStatus(ds: DaemonSet): { message: string; done: boolean } {
  if ((ds.spec.updateStrategy?.type ?? "RollingUpdate") !== "RollingUpdate")
    throw new EverynodeError(
      "BadRequest",
      "rollout status is only available for RollingUpdate strategy type",
    );
  const name = ds.metadata.name ?? "";
  const st = ds.status;
  if ((ds.metadata.generation ?? 0) <= (st?.observedGeneration ?? 0)) {
    const desired = st?.desiredNumberScheduled ?? 0;
    const updated = st?.updatedNumberScheduled ?? 0;
    const available = st?.numberAvailable ?? 0;
    if (updated < desired)
      return {
        message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
        done: false,
      };
    if (available < desired)
      return {
        message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
        done: false,
      };
    return { message: `daemon set "${name}" successfully rolled out`, done: true };
  }
  return { message: "Waiting for daemon set spec update to be observed...", done: false };
}
