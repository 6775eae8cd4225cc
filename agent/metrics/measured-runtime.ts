// The container runtime as the worker sees it, timed for the agent's metrics: image pulls,
// container starts, and the start of each reconcile pass (the worker's pass lists exactly
// its node's containers first). Measured here rather than inside the worker, so that the
// worker knows nothing of metrics.
//
// The wrapper inherits from the real runtime (Object.create) and overrides three methods:
// the runtime's own calls (ensureImage calling this.pull) go through the timed pull too.

import type { Clock } from "../../shared/clock.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { nodeFilter } from "../runtime/labels.js";
import type { AgentMetrics } from "./agent-metrics.js";

function sameFilter(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** `runtime` with pulls, starts and passes reported to `metrics`. */
export function measuredRuntime(
  runtime: ContainerRuntime,
  metrics: AgentMetrics,
  nodeName: string,
  clock: Clock,
): ContainerRuntime {
  const measured = Object.create(runtime) as ContainerRuntime;
  const passFilter = nodeFilter(nodeName);
  const timed =
    <A extends unknown[]>(fn: (...args: A) => Promise<void>, observe: (seconds: number) => void) =>
    async (...args: A): Promise<void> => {
      const started = clock.now();
      await fn.apply(measured, args);
      observe((clock.now() - started) / 1000);
    };
  measured.pull = timed(runtime.pull, (s) => metrics.imagePulls.observe(s));
  measured.start = timed(runtime.start, (s) => metrics.containerStarts.observe(s));
  measured.list = (filter) => {
    if (sameFilter(filter, passFilter)) metrics.passStarted();
    return runtime.list.call(measured, filter);
  };
  return measured;
}
