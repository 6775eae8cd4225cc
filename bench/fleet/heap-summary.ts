// What the server's heap holds: reads a V8 .heapsnapshot written by `bench:fleet
// --heap-snapshot` and prints the kinds of objects by their own size (constructor names for
// objects and closures, one line for all strings, arrays, code...), with counts and bytes
// per connected node when the fleet size is given.
//   node dist/bench/fleet/heap-summary.js <file.heapsnapshot> [--nodes 3000] [--top 40]

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Kind {
  kind: string;
  count: number;
  bytes: number;
}

/** Kinds whose members are told apart by their V8 name (constructor or function name). */
const BY_NAME = new Set(["object", "closure", "native", "hidden"]);

/** Own sizes of the snapshot's objects, summed per kind, largest first. */
export function summarize(snap: Snapshot): { kinds: Kind[]; total: number } {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const kinds = new Map<string, Kind>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] as number] ?? "?";
    const bytes = snap.nodes[i + sizeAt] as number;
    const name = BY_NAME.has(type) ? (snap.strings[snap.nodes[i + nameAt] as number] ?? "") : "";
    // Names of natives carry addresses and sizes; keep their stem.
    const stem = name
      .replace(/ @\d+$/, "")
      .replace(/\s*\(\d+\)$/, "")
      .slice(0, 80);
    const kind = stem ? `${type} ${stem}` : `(${type})`;
    const k = kinds.get(kind) ?? { kind, count: 0, bytes: 0 };
    k.count++;
    k.bytes += bytes;
    kinds.set(kind, k);
    total += bytes;
  }
  return { kinds: [...kinds.values()].sort((a, b) => b.bytes - a.bytes), total };
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { nodes: { type: "string" }, top: { type: "string", default: "40" } },
  });
  const file = positionals[0];
  if (!file) throw new Error("usage: heap-summary <file.heapsnapshot> [--nodes N] [--top N]");
  const snap = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  const { kinds, total } = summarize(snap);
  const nodes = Number(values.nodes ?? 0);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  const perNode = (b: number) => (nodes > 0 ? ` ${(b / nodes).toFixed(0).padStart(7)} B/node` : "");
  console.log(`live heap ${mb(total)}${perNode(total)}`);
  for (const k of kinds.slice(0, Number(values.top))) {
    console.log(`${mb(k.bytes).padStart(10)} ${String(k.count).padStart(9)}${perNode(k.bytes)}  ${k.kind}`);
  }
}

main();
