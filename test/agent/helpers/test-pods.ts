// What the Docker tests of the agent's worker share: a one-container pod of the test image,
// and a worker on the real engine with a fake clock whose statuses are collected.

import type { ContainerRuntime } from "../../../agent/runtime/container-runtime.js";
import { Worker, type WorkerOptions } from "../../../agent/worker/worker.js";
import type { Pod } from "../../../shared/api-types.js";
import { silentLogger } from "../../../shared/logger.js";
import type { PodStatusReport } from "../../../shared/protocol.js";
import { FakeClock } from "../../helpers/fake-clock.js";

/** Pod `uid` (made unique by `run`) with one container "c" of the test image, changed by the arguments. */
export function testPod(
  run: string,
  uid: string,
  spec: Partial<Pod["spec"]>,
  container: Partial<Pod["spec"]["containers"][number]> = {},
): Pod {
  return {
    metadata: { name: `pod-${uid}`, namespace: "default", uid: `${run}-${uid}` },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: "c", image: "everynode/web:test", ...container }],
      ...spec,
    },
  };
}

/** A worker for `nodeName` on `runtime`, its statuses pushed to `statuses`. */
export function testWorker(
  o: Pick<WorkerOptions, "nodeName" | "dataDir"> &
    Partial<WorkerOptions> & { runtime: ContainerRuntime; statuses: PodStatusReport[] },
): { worker: Worker; clock: FakeClock } {
  const clock = new FakeClock(Date.now());
  const { statuses, ...rest } = o;
  const worker = new Worker({
    hostIP: "127.0.0.1",
    clock,
    logger: silentLogger,
    onStatus: (r) => statuses.push(r),
    ...rest,
  });
  return { worker, clock };
}
