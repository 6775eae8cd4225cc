// How far the server lets V8's heap grow between full collections. V8's default lets the
// old generation grow to up to four times what survived the last full collection, and a
// fleet's steady heartbeats keep the process from ever looking idle to V8's memory reducer:
// after one DaemonSet rolled out to 10,000 simulated nodes the server held ~750 MB of heap at
// rest, ~280 MB of it live. A bounded growth factor collects sooner, for a little more GC
// work during bursts (bench/results/fleet.md has both).

import v8 from "node:v8";

/** The old generation may grow by this share of what survived before the next full collection. */
export const HEAP_GROWING_PERCENT = 50;

/** Sets the growth policy; V8 reads it at each full collection, so it applies from the next one. */
export function applyHeapPolicy(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
