// The kubelet's log layout and the CRI log format, as pure functions: where a container's
// log lives on the node, how a record is written (`<RFC3339Nano> <stream> <P|F> <text>`),
// and how the engine's timestamped log frames become records. Log shippers (Fluent Bit,
// Filebeat, Promtail, Vector) parse exactly these names and lines.

import path from "node:path";

export type LogStream = "stdout" | "stderr";

/** One CRI log record; `partial` records are continued by the next one of the same stream. */
export interface CriRecord {
  /** RFC 3339 with nanoseconds, as the engine stamped the output. */
  time: string;
  stream: LogStream;
  partial: boolean;
  text: Buffer;
}

/** As the kubelet: a line longer than this is written as several records, all but the last `P`. */
export const MAX_RECORD_BYTES = 16 * 1024;

/** Which container attempt a log file belongs to. */
export interface LogIdentity {
  namespace: string;
  podName: string;
  podUid: string;
  container: string;
  restartCount: number;
}

/** `<dir>/pods/<namespace>_<pod>_<uid>`. */
export function podLogDir(root: string, id: Pick<LogIdentity, "namespace" | "podName" | "podUid">): string {
  return path.join(root, "pods", `${id.namespace}_${id.podName}_${id.podUid}`);
}

/** `<dir>/pods/<namespace>_<pod>_<uid>/<container>/<restartCount>.log`. */
export function containerLogPath(root: string, id: LogIdentity): string {
  return path.join(podLogDir(root, id), id.container, `${id.restartCount}.log`);
}

/** `<dir>/containers/<pod>_<namespace>_<container>-<containerID>.log`, the link shippers tail. */
export function containerLinkPath(root: string, id: LogIdentity, containerId: string): string {
  return path.join(root, "containers", `${id.podName}_${id.namespace}_${id.container}-${containerId}.log`);
}

/** What a `/var/log/containers` file name says, as a shipper parses it (undefined if not one). */
export function parseLinkName(
  name: string,
): { podName: string; namespace: string; container: string; containerId: string } | undefined {
  // Pod, namespace and container names are DNS labels or subdomains: no `_`, and the id is hex.
  const m = /^([^_]+)_([^_]+)_(.+)-([0-9a-f]{64})\.log$/.exec(name);
  if (!m) return undefined;
  return { podName: m[1]!, namespace: m[2]!, container: m[3]!, containerId: m[4]! };
}

/** One record as a line of the file. */
export function formatRecord(r: CriRecord): Buffer {
  const head = Buffer.from(`${r.time} ${r.stream} ${r.partial ? "P" : "F"} `, "utf8");
  return Buffer.concat([head, r.text, Buffer.from("\n")]);
}

/** Reads one line of a CRI file (without its newline); undefined when it is not a record. */
export function parseRecord(line: Buffer | string): CriRecord | undefined {
  const buf = typeof line === "string" ? Buffer.from(line, "utf8") : line;
  const s1 = buf.indexOf(0x20);
  const s2 = s1 < 0 ? -1 : buf.indexOf(0x20, s1 + 1);
  const s3 = s2 < 0 ? -1 : buf.indexOf(0x20, s2 + 1);
  if (s3 < 0) return undefined;
  const time = buf.subarray(0, s1).toString("latin1");
  const stream = buf.subarray(s1 + 1, s2).toString("latin1");
  const tag = buf.subarray(s2 + 1, s3).toString("latin1");
  if (timeKey(time) === undefined || (stream !== "stdout" && stream !== "stderr")) return undefined;
  if (tag !== "P" && tag !== "F") return undefined;
  return { time, stream, partial: tag === "P", text: Buffer.from(buf.subarray(s3 + 1)) };
}

/**
 * A timestamp as a sortable key: nanoseconds since the epoch (undefined when not RFC 3339).
 * Resuming compares these, so a different fraction width cannot misorder two records.
 */
export function timeKey(time: string): bigint | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const nanos = BigInt((m[2] ?? "").padEnd(9, "0") || "0");
  return BigInt(seconds) * 1_000_000n + nanos;
}

/**
 * One engine log frame (`<timestamp> <text>`, ending in a newline unless the engine split a
 * long line or the output ended without one) as records: split at MAX_RECORD_BYTES, and the
 * last one partial when the frame has no newline. Undefined for a frame without a timestamp.
 */
export function recordsOfFrame(frame: Buffer, stream: LogStream): CriRecord[] | undefined {
  const space = frame.indexOf(0x20);
  if (space <= 0) return undefined;
  const time = frame.subarray(0, space).toString("latin1");
  if (timeKey(time) === undefined) return undefined;
  let text = frame.subarray(space + 1);
  const complete = text.length > 0 && text[text.length - 1] === 0x0a;
  if (complete) text = text.subarray(0, text.length - 1);
  const out: CriRecord[] = [];
  for (let at = 0; at < text.length || out.length === 0; at += MAX_RECORD_BYTES) {
    const part = Buffer.from(text.subarray(at, at + MAX_RECORD_BYTES));
    out.push({ time, stream, partial: true, text: part });
    if (at + MAX_RECORD_BYTES >= text.length) break;
  }
  out[out.length - 1]!.partial = !complete;
  return out;
}

/**
 * Where to pick up after a restart: the last record's time and how many records carry that
 * time (the engine can stamp several lines alike), so that re-read lines are skipped exactly.
 */
export interface ResumePoint {
  time: bigint;
  sameTime: number;
}

/** The resume point of a file's text (undefined when it has no record). */
export function resumePointOf(content: Buffer): ResumePoint | undefined {
  const lines = splitLines(content);
  let point: ResumePoint | undefined;
  for (let i = lines.length - 1; i >= 0; i--) {
    const r = parseRecord(lines[i]!);
    const key = r && timeKey(r.time);
    if (key === undefined) continue;
    if (!point) point = { time: key, sameTime: 1 };
    else if (key === point.time) point.sameTime++;
    else break;
  }
  return point;
}

/** Complete lines of a buffer (a torn last line, cut by a crash mid-write, is left out). */
export function splitLines(content: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = content.indexOf(0x0a); nl >= 0; nl = content.indexOf(0x0a, start)) {
    out.push(content.subarray(start, nl));
    start = nl + 1;
  }
  return out;
}

/**
 * Skips what a file already holds when the engine's output is read again from the resume
 * point's second: older records, and as many records of the same time as the file had.
 */
export class ResumeFilter {
  private left: number;
  constructor(private readonly point: ResumePoint | undefined) {
    this.left = point?.sameTime ?? 0;
  }

  /** Whether the record is new. */
  keep(r: CriRecord): boolean {
    if (!this.point) return true;
    const key = timeKey(r.time) ?? 0n;
    if (key < this.point.time) return false;
    if (key === this.point.time && this.left > 0) {
      this.left--;
      return false;
    }
    return true;
  }

  /** The point after `r` was written (so a follow that breaks resumes after it). */
  static advance(point: ResumePoint | undefined, r: CriRecord): ResumePoint {
    const key = timeKey(r.time) ?? 0n;
    return point && point.time === key
      ? { time: key, sameTime: point.sameTime + 1 }
      : { time: key, sameTime: 1 };
  }
}
