// Just enough of Kubernetes quantities for describe's resource sums: CPU in millicores,
// everything else in units, printed back in the shortest exact form. Parsing is the one
// everynode validates quantities with (shared/quantity.ts).

import { formatCpuMillis, isValidQuantity, parseQuantity as parseValid } from "../../shared/quantity.js";

/** Parses "100m", "2", "128Mi", "1.5Gi" into base units (0 when absent or unparseable). */
export function parseQuantity(q: string | number | undefined): number {
  return q !== undefined && isValidQuantity(q) ? parseValid(q) : 0;
}

/** CPU as kubectl prints it: `0`, `250m`, `2`. */
export function formatCpu(cores: number): string {
  return formatCpuMillis(Math.round(cores * 1000));
}

/** Memory and storage as kubectl prints them: `0`, `128Mi`, `1Gi`, `1500`. */
export function formatBytes(bytes: number): string {
  const b = Math.round(bytes);
  if (b === 0) return "0";
  for (const [s, f] of [
    ["Ti", 1024 ** 4],
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (b % f === 0) return `${b / f}${s}`;
  }
  return String(b);
}

/** Percent of capacity, truncated as kubectl truncates it (0 when there is no capacity). */
export function percentOf(value: number, capacity: number): number {
  return capacity > 0 ? Math.trunc((value / capacity) * 100) : 0;
}
