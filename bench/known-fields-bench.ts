// The strict-fields walk runs on every write: today's hand-written check against the
// registry's compiled trees, on two typical DaemonSets. Also the one-time cost of building
// the registry and its trees. `npm run build && node dist/bench/known-fields-bench.js`.

import { pathToFileURL } from "node:url";
import { unknownFields } from "../control-plane/api/known-fields.js";
import { APISERVER_DAEMONSET, validManifests } from "../control-plane/api/validation/test-manifests.js";
import { KINDS } from "../control-plane/kube/kinds/index.js";
import { fieldTrees, findUnknownFields } from "../control-plane/kube/schema/known-fields.js";
import { buildRegistry } from "../control-plane/kube/schema/registry.js";

/** Mean microseconds per call of `fn` over `rounds` rounds of `n` calls (the best round). */
function microseconds(fn: () => void, n = 20_000, rounds = 5): number {
  for (let i = 0; i < n; i++) fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, ((performance.now() - start) * 1000) / n);
  }
  return Math.round(best * 100) / 100;
}

export interface KnownFieldsBench {
  registryBuildMs: number;
  bodies: { name: string; todayUs: number; registryUs: number }[];
}

export function runKnownFieldsBench(): KnownFieldsBench {
  const start = performance.now();
  const registry = buildRegistry(KINDS);
  const tree = fieldTrees(registry).get("daemonsets");
  const registryBuildMs = Math.round((performance.now() - start) * 100) / 100;
  if (!tree) throw new Error("no DaemonSet tree");
  const fluentBit = validManifests().find(([name]) => name === "fluent-bit")?.[1];
  const bodies = (
    [
      ["DaemonSet as the apiserver returns it", APISERVER_DAEMONSET],
      ["fluent-bit DaemonSet", fluentBit],
    ] as const
  ).map(([name, body]) => ({
    name,
    todayUs: microseconds(() => unknownFields("daemonsets", body)),
    registryUs: microseconds(() => findUnknownFields(tree, body)),
  }));
  return { registryBuildMs, bodies };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runKnownFieldsBench();
  process.stdout.write(`registry and field trees built in ${result.registryBuildMs} ms\n`);
  for (const b of result.bodies)
    process.stdout.write(
      `${b.name}: today ${b.todayUs} µs, registry ${b.registryUs} µs per unknownFields()\n`,
    );
}
