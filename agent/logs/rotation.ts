// How a container's log files rotate, as the kubelet's --container-log-max-size and
// --container-log-max-files: the live `<n>.log` is renamed `<n>.log.<YYYYMMDD-hhmmss>` when
// the next record would take it past the size; the newest rotated file stays plain (a shipper
// may still be reading it), older ones are gzipped, and the oldest removed so that at most
// max-files files remain, the live one included. Pure: names in, decisions out.

export interface RotationPolicy {
  maxBytes: number;
  maxFiles: number;
}

export const DEFAULT_ROTATION: RotationPolicy = { maxBytes: 10 * 1024 * 1024, maxFiles: 5 };

/** `10Mi`, `512Ki`, `1M`, `2048`: a size as the kubelet's flag takes it, in bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit: Record<string, number> = {
    "": 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    K: 1000,
    M: 1000 ** 2,
    G: 1000 ** 3,
  };
  const n = Number(m[1]) * unit[m[2] ?? ""]!;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** The stamp of a rotation at `ms` (UTC), as the kubelet names rotated files. */
export function rotationStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The time a stamp stands for (undefined when the name is not one). */
export function stampTime(stamp: string): number | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)$/.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

/** A rotated file of live file `base` (e.g. `0.log`): its stamp and whether it is gzipped. */
export interface RotatedFile {
  name: string;
  time: number;
  gzipped: boolean;
}

/** The rotated files of `base` among a directory's names, oldest first. */
export function rotatedFiles(base: string, names: string[]): RotatedFile[] {
  const out: RotatedFile[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const rest = name.slice(base.length + 1);
    const gzipped = rest.endsWith(".gz");
    const time = stampTime(gzipped ? rest.slice(0, -3) : rest);
    if (time !== undefined) out.push({ name, time, gzipped });
  }
  return out.sort((a, b) => a.time - b.time);
}

/**
 * The name for the next rotation at `now`: stamped with now, or one second after the newest
 * rotated file when that one is as new (two rotations in a second must not collide).
 */
export function nextRotatedName(base: string, existing: RotatedFile[], now: number): string {
  const newest = existing[existing.length - 1];
  const at = newest && newest.time >= Math.floor(now / 1000) * 1000 ? newest.time + 1000 : now;
  return `${base}.${rotationStamp(at)}`;
}

/** What to do with the rotated files once one more was made: gzip some, remove the oldest. */
export function tidyPlan(
  rotated: RotatedFile[],
  policy: RotationPolicy,
): { remove: string[]; compress: string[] } {
  const keep = Math.max(0, policy.maxFiles - 1);
  const excess = Math.max(0, rotated.length - keep);
  const remove = rotated.slice(0, excess).map((f) => f.name);
  const kept = rotated.slice(excess);
  const compress = kept
    .slice(0, -1)
    .filter((f) => !f.gzipped)
    .map((f) => f.name);
  return { remove, compress };
}
