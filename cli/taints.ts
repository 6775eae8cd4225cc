// kubectl's taint arguments (`k=v:Effect`, `k:Effect`, removal `k:Effect-` and `k-`) and
// the new taint list they make, with kubectl's errors.

import { TAINT_EFFECTS, type Taint, type TaintEffect } from "../shared/api-types.js";
import { EverynodeError } from "../shared/errors.js";

/** Parsed arguments: taints to add and (key, optional effect) to remove. */
export interface TaintChanges {
  add: Taint[];
  remove: { key: string; effect?: TaintEffect }[];
}

function checkEffect(effect: string, arg: string): TaintEffect {
  if (!TAINT_EFFECTS.includes(effect as TaintEffect))
    throw new EverynodeError(
      "Usage",
      `invalid taint spec: ${arg}, unsupported taint effect "${effect}"; supported values: ${TAINT_EFFECTS.join(", ")}`,
    );
  return effect as TaintEffect;
}

/** Parses the taint specs of `taint nodes NAME spec...`. */
export function parseTaintArgs(args: string[]): TaintChanges {
  const out: TaintChanges = { add: [], remove: [] };
  for (const arg of args) {
    if (arg.endsWith("-")) {
      const spec = arg.slice(0, -1);
      const colon = spec.indexOf(":");
      const key = colon < 0 ? spec : spec.slice(0, colon);
      if (!key) throw new EverynodeError("Usage", `invalid taint spec: ${arg}`);
      out.remove.push(colon < 0 ? { key } : { key, effect: checkEffect(spec.slice(colon + 1), arg) });
      continue;
    }
    const colon = arg.lastIndexOf(":");
    if (colon < 0)
      throw new EverynodeError("Usage", `invalid taint spec: ${arg}, at least one taint update is required`);
    const kv = arg.slice(0, colon);
    const effect = checkEffect(arg.slice(colon + 1), arg);
    const eq = kv.indexOf("=");
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!key) throw new EverynodeError("Usage", `invalid taint spec: ${arg}`);
    out.add.push(eq < 0 ? { key, effect } : { key, value: kv.slice(eq + 1), effect });
  }
  if (out.add.length === 0 && out.remove.length === 0)
    throw new EverynodeError("Usage", "at least one taint update is required");
  return out;
}

/** The node's new taints and what happened (`tainted` / `untainted`), or kubectl's error. */
export function applyTaintChanges(
  nodeName: string,
  current: Taint[],
  changes: TaintChanges,
  overwrite: boolean,
): { taints: Taint[]; operation: "tainted" | "untainted" | "modified" } {
  let taints = [...current];
  for (const r of changes.remove) {
    const before = taints.length;
    taints = taints.filter((t) => !(t.key === r.key && (r.effect === undefined || t.effect === r.effect)));
    if (taints.length === before)
      throw new EverynodeError(
        "NotFound",
        `taint ${JSON.stringify(r.effect ? `${r.key}:${r.effect}` : r.key)} not found`,
      );
  }
  for (const a of changes.add) {
    const same = taints.findIndex((t) => t.key === a.key && t.effect === a.effect);
    if (same >= 0) {
      if (!overwrite)
        throw new EverynodeError(
          "Conflict",
          `node ${nodeName} already has a taint(s) with same effect(s) and --overwrite is false`,
        );
      taints[same] = a;
    } else taints.push(a);
  }
  const operation =
    changes.add.length > 0 && changes.remove.length > 0
      ? "modified"
      : changes.add.length > 0
        ? "tainted"
        : "untainted";
  return { taints, operation };
}
