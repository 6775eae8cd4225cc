// Just enough of Kubernetes quantities for describe's resource sums: CPU in millicores,
// everything else in units, printed back in the shortest exact form.

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Parses "100m", "2", "128Mi", "1.5Gi" into base units (0 when unparseable). */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === "number") return q;
  const m = /^([+-]?\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  const factor = SUFFIX[m[2] ?? ""];
  return factor === undefined ? 0 : Number(m[1]) * factor;
}

/** CPU as kubectl prints it: `0`, `250m`, `2`. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  if (milli === 0) return "0";
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
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
