// A log shipper's view of a node, written for the tests from the layout alone (nothing of
// everynode's code): it lists `<root>/containers/*.log`, takes pod, namespace, container and
// container id from each name as Fluent Bit's and Promtail's stock configs do, follows the
// link, parses the CRI lines and joins `P` pieces to their `F` line.

import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";

export interface ShippedLine {
  namespace: string;
  pod: string;
  container: string;
  containerId: string;
  /** The file the link points at (`.../pods/<ns>_<pod>_<uid>/<container>/<n>.log`). */
  file: string;
  time: string;
  stream: "stdout" | "stderr";
  text: string;
  /** How many records the line was written as (more than 1: split as P...P F). */
  records: number;
}

const CRI_LINE = /^(\S+) (stdout|stderr) ([PF]) (.*)$/;
const LINK_NAME = /^([^_]+)_([^_]+)_(.+)-([0-9a-f]{64})\.log$/;

/** Every complete line of every container the node's layout links to. */
export function shipNode(root: string): ShippedLine[] {
  const dir = path.join(root, "containers");
  if (!existsSync(dir)) return [];
  const out: ShippedLine[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = LINK_NAME.exec(name);
    if (!m) continue;
    const [, pod = "", namespace = "", container = "", containerId = ""] = m;
    let file: string;
    try {
      file = realpathSync(path.join(dir, name));
    } catch {
      continue;
    }
    const pending = new Map<string, { time: string; parts: string[] }>();
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const r = CRI_LINE.exec(line);
      if (!r) continue;
      const [, time = "", stream = "", tag = "", text = ""] = r;
      const open = pending.get(stream) ?? { time, parts: [] };
      open.parts.push(text);
      if (tag === "P") {
        pending.set(stream, open);
        continue;
      }
      pending.delete(stream);
      out.push({
        namespace,
        pod,
        container,
        containerId,
        file,
        time: open.time,
        stream: stream as "stdout" | "stderr",
        text: open.parts.join(""),
        records: open.parts.length,
      });
    }
  }
  return out;
}
