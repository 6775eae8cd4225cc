// What the Docker tests of the agent's worker share: a one-container pod of the test image,
// and a worker on the real engine with a fake clock whose statuses are collected.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ContainerRuntime } from "../../../agent/runtime/container-runtime.js";
import { LABELS } from "../../../agent/runtime/labels.js";
import { Worker, type WorkerOptions } from "../../../agent/worker/worker.js";
import type { Pod } from "../../../shared/api-types.js";
import { silentLogger } from "../../../shared/logger.js";
import type { PodStatusReport } from "../../../shared/protocol.js";
import { FakeClock } from "../../helpers/fake-clock.js";
import { removeByLabel } from "./docker-cleanup.js";

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

/** A started worker for `nodeName` in a fresh data dir (`prefix`), after `prepare` filled it. */
export async function startWorker(
  prefix: string,
  o: Partial<WorkerOptions> & { nodeName: string; runtime: ContainerRuntime; statuses: PodStatusReport[] },
  prepare: (dataDir: string) => Promise<Partial<WorkerOptions>> = async () => ({}),
): Promise<{ worker: Worker; dataDir: string; clock: FakeClock }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const { worker, clock } = testWorker({ ...o, dataDir, ...(await prepare(dataDir)) });
  await worker.start();
  return { worker, dataDir, clock };
}

/** Stops the worker and removes all it made: the node's containers and the data dir. */
export async function stopWorker(
  worker: Worker | undefined,
  nodeName: string,
  dataDir: string | undefined,
): Promise<void> {
  await worker?.stop();
  await removeByLabel(LABELS.node, nodeName);
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}
