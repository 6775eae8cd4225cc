// Oracles for what the store may hold, whatever a client or an agent sent: the project's own
// validators, the known-fields schema, and the shapes of the status fields an agent writes
// (which kubectl's printers read without checking).

import type { Node, Pod } from "../../../shared/api-types.js";
import {
  REGISTRY,
  type ResourceName,
  unknownFieldsOf,
  validateNode,
} from "../../../control-plane/kube/index.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function stringMap(v: unknown, path: string, out: string[]): void {
  if (v === undefined) return;
  if (!isObject(v)) return void out.push(`${path} is not an object`);
  for (const [k, x] of Object.entries(v)) if (typeof x !== "string") out.push(`${path}.${k} is not a string`);
}

function objects(
  v: unknown,
  path: string,
  out: string[],
  check: (o: Record<string, unknown>, p: string) => void,
) {
  if (v === undefined) return;
  if (!Array.isArray(v)) return void out.push(`${path} is not a list`);
  v.forEach((o, i) => (isObject(o) ? check(o, `${path}[${i}]`) : out.push(`${path}[${i}] is not an object`)));
}

function strings(o: Record<string, unknown>, keys: string[], path: string, out: string[], required = false) {
  for (const k of keys) {
    if (o[k] === undefined && !required) continue;
    if (typeof o[k] !== "string") out.push(`${path}.${k} is not a string`);
  }
}

function conditions(v: unknown, path: string, out: string[]): void {
  objects(v, path, out, (c, p) => strings(c, ["type", "status"], p, out, true));
}

function unknown(resource: ResourceName, o: unknown, out: string[]): void {
  try {
    for (const f of unknownFieldsOf(REGISTRY, resource, o).paths) out.push(`unknown field ${f}`);
  } catch (e) {
    out.push(`the known-fields check threw: ${(e as Error).message}`);
  }
}

/** What is wrong with a stored Node; empty when nothing is. */
export function nodeProblems(node: Node): string[] {
  const out: string[] = [];
  try {
    for (const e of validateNode(node)) out.push(`${e.field}: ${e.message}`);
  } catch (e) {
    out.push(`validateNode threw: ${(e as Error).message}`);
  }
  unknown("nodes", node, out);
  const s = node.status as Record<string, unknown> | undefined;
  if (s !== undefined && !isObject(s)) return [...out, "status is not an object"];
  if (!s) return out;
  objects(s.addresses, "status.addresses", out, (a, p) => strings(a, ["type", "address"], p, out, true));
  stringMap(s.capacity, "status.capacity", out);
  stringMap(s.allocatable, "status.allocatable", out);
  stringMap(s.nodeInfo, "status.nodeInfo", out);
  conditions(s.conditions, "status.conditions", out);
  return out;
}

/** What is wrong with a stored Pod's status; empty when nothing is. */
export function podProblems(pod: Pod): string[] {
  const out: string[] = [];
  unknown("pods", pod, out);
  const s = pod.status as Record<string, unknown> | undefined;
  if (s === undefined) return out;
  if (!isObject(s)) return [...out, "status is not an object"];
  strings(s, ["phase", "podIP", "hostIP", "startTime", "reason", "message", "qosClass"], "status", out);
  if (
    s.phase !== undefined &&
    !["Pending", "Running", "Succeeded", "Failed", "Unknown"].includes(String(s.phase))
  )
    out.push(`status.phase ${JSON.stringify(s.phase)} is not a phase`);
  conditions(s.conditions, "status.conditions", out);
  objects(s.podIPs, "status.podIPs", out, (o, p) => strings(o, ["ip"], p, out, true));
  for (const list of ["containerStatuses", "initContainerStatuses"]) {
    objects(s[list], `status.${list}`, out, (c, p) => {
      strings(c, ["name"], p, out, true);
      strings(c, ["image", "imageID", "containerID"], p, out);
      if (c.ready !== undefined && typeof c.ready !== "boolean") out.push(`${p}.ready is not a boolean`);
      const n = c.restartCount;
      if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0))
        out.push(`${p}.restartCount is not a count`);
      if (c.state !== undefined && !isObject(c.state)) out.push(`${p}.state is not an object`);
    });
  }
  return out;
}
