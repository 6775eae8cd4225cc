// The pieces every `describe` shares, written as kubectl writes them: a prefix writer whose
// tab-separated lines are aligned (padding 2) at each flush, multi-line labels, annotations,
// taints and tolerations, and the Events table.

import {
  TAINT_EFFECTS,
  type KubeEvent,
  type LabelSelector,
  type Taint,
  type Toleration,
} from "../../shared/api-types.js";
import { humanAge } from "../../shared/duration.js";
import { formatLabelSelector } from "../../control-plane/kube/index.js";
import { DESCRIBE_TABS, alignTabs } from "../printers/tabwriter.js";

/** Text written at indentation levels (2 spaces each) and aligned like kubectl's describe. */
export class DescribeWriter {
  private buffer = "";
  private done = "";

  /** Writes text at a level (the level's indent goes before it). */
  write(level: number, text: string): void {
    this.buffer += "  ".repeat(level) + text;
  }

  /** Aligns what was written so far on its own (kubectl flushes before the Events table). */
  flush(): void {
    this.done += alignTabs(this.buffer, DESCRIBE_TABS);
    this.buffer = "";
  }

  toString(): string {
    this.flush();
    return this.done;
  }
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number): string => String(n).padStart(2, "0");

/** Go's RFC1123Z in UTC: `Mon, 02 Jan 2006 15:04:05 +0000` (`<unknown>` when absent). */
export function rfc1123z(ts: string | null | undefined): string {
  if (!ts) return "<unknown>";
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return "<unknown>";
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** kubectl's age of a timestamp, `<unknown>` when absent. */
export function since(ts: string | null | undefined, nowMs: number): string {
  if (!ts) return "<unknown>";
  const t = Date.parse(ts);
  return Number.isNaN(t) ? "<unknown>" : humanAge(nowMs - t);
}

/** `Labels:  a=b` and one `\tk=v` line per further label. */
export function writeLabels(
  w: DescribeWriter,
  title: string,
  labels: Record<string, string> | undefined,
  indent = "",
): void {
  w.write(0, `${indent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  keys.forEach((k, i) => {
    if (i > 0) w.write(0, `${indent}\t`);
    w.write(0, `${k}=${labels?.[k] ?? ""}\n`);
  });
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
const MAX_ANNOTATION = 140;

/** `Annotations:  k: v`, long or multi-line values on their own lines, last-applied left out. */
export function writeAnnotations(
  w: DescribeWriter,
  title: string,
  annotations: Record<string, string> | undefined,
  indent = "",
): void {
  w.write(0, `${indent}${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== LAST_APPLIED)
    .sort();
  if (keys.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  const inner = `${indent}\t`;
  keys.forEach((k, i) => {
    if (i > 0) w.write(0, inner);
    const value = (annotations?.[k] ?? "").replace(/\n$/, "");
    if (value.length + k.length + 2 > MAX_ANNOTATION || value.includes("\n")) {
      w.write(0, `${k}:\n`);
      for (const line of value.split("\n")) {
        const short = line.length > MAX_ANNOTATION - 2 ? `${line.slice(0, MAX_ANNOTATION - 2)}...` : line;
        w.write(0, `${inner}  ${short}\n`);
      }
    } else w.write(0, `${k}: ${value}\n`);
  });
}

/** A taint as kubectl prints it: `key=value:Effect` or `key:Effect`. */
export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}`;
}

/** `Taints:  ...`, grouped by effect as kubectl groups them. */
export function writeTaints(w: DescribeWriter, taints: Taint[] | undefined): void {
  w.write(0, "Taints:\t");
  const list = taints ?? [];
  if (list.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  const ordered = TAINT_EFFECTS.flatMap((eff) => list.filter((t) => t.effect === eff));
  ordered.forEach((t, i) => {
    if (i > 0) w.write(0, "\t");
    w.write(0, `${taintText(t)}\n`);
  });
}

/** `Tolerations:  key:Effect op=Exists for 300s`, sorted by key. */
export function writeTolerations(
  w: DescribeWriter,
  title: string,
  tolerations: Toleration[] | undefined,
): void {
  w.write(0, `${title}:\t`);
  const list = [...(tolerations ?? [])].sort((a, b) =>
    (a.key ?? "") < (b.key ?? "") ? -1 : (a.key ?? "") > (b.key ?? "") ? 1 : 0,
  );
  if (list.length === 0) {
    w.write(0, "<none>\n");
    return;
  }
  list.forEach((t, i) => {
    if (i > 0) w.write(0, "\t");
    let s = t.key ?? "";
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === "Exists" && !t.value) s += t.key || t.effect ? " op=Exists" : "op=Exists";
    if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

/** A label selector as kubectl prints it: `app=nginx,tier in (a,b),!legacy`; `<none>` when absent. */
export function selectorText(sel: LabelSelector | undefined): string {
  return sel ? formatLabelSelector(sel) : "<none>";
}

/** The Events section (or `Events:  <none>`), oldest first. */
export function writeEvents(w: DescribeWriter, events: KubeEvent[] | undefined, nowMs: number): void {
  if (!events || events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  const sorted = [...events].sort(
    (a, b) => Date.parse(a.lastTimestamp ?? "") - Date.parse(b.lastTimestamp ?? ""),
  );
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sorted) {
    const first = since(e.eventTime || e.firstTimestamp, nowMs);
    const interval =
      (e.count ?? 1) > 1 ? `${since(e.lastTimestamp, nowMs)} (x${e.count} over ${first})` : first;
    const source = e.source?.component || e.reportingComponent || "";
    w.write(1, `${e.type ?? ""}\t${e.reason ?? ""}\t${interval}\t${source}\t${(e.message ?? "").trim()}\n`);
  }
}
