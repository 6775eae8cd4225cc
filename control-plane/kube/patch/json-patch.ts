// JSON patch (RFC 6902): the default patch of @kubernetes/client-node. A malformed patch is
// a 400 (BadRequest); a well-formed one that does not apply to the object (a failed test, a
// missing path) is a 422 (Invalid), as the Kubernetes API server answers.

import { EverynodeError } from "../../../shared/errors.js";
import { isJsonProblem, measureJson } from "../json-bounds.js";
import { DEFAULT_PATCH_BOUNDS, resultTooDeep, resultTooLarge, tooLarge, type PatchBounds } from "./bounds.js";
import { clone, isObject, jsonEqual, setOwn } from "./json-value.js";

type Op = "add" | "remove" | "replace" | "move" | "copy" | "test";
const OPS: readonly string[] = ["add", "remove", "replace", "move", "copy", "test"];

interface Operation {
  op: Op;
  path: string[];
  pathText: string;
  from?: string[];
  fromText?: string;
  value?: unknown;
}

const malformed = (message: string) => new EverynodeError("BadRequest", `invalid JSON patch: ${message}`);
const notApplicable = (message: string) =>
  new EverynodeError("Invalid", `the JSON patch cannot be applied: ${message}`);

/** Splits a JSON pointer into unescaped reference tokens ("" is the whole document). */
function parsePointer(pointer: unknown, field: string, index: number): string[] {
  if (typeof pointer !== "string") throw malformed(`operation ${index}: "${field}" must be a string`);
  if (pointer === "") return [];
  if (!pointer.startsWith("/"))
    throw malformed(`operation ${index}: "${field}" must start with "/": ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parseOperations(ops: unknown): Operation[] {
  if (!Array.isArray(ops)) throw malformed("the body must be a JSON array of operations");
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw malformed(`operation ${i} is not an object`);
    const op = raw["op"];
    if (typeof op !== "string" || !OPS.includes(op))
      throw malformed(`operation ${i}: unknown op ${JSON.stringify(op)}`);
    const parsed: Operation = {
      op: op as Op,
      path: parsePointer(raw["path"], "path", i),
      pathText: String(raw["path"]),
    };
    if (op === "move" || op === "copy") {
      parsed.from = parsePointer(raw["from"], "from", i);
      parsed.fromText = String(raw["from"]);
    }
    if (op === "add" || op === "replace" || op === "test") {
      if (!Object.hasOwn(raw, "value")) throw malformed(`operation ${i} (${op}): missing "value"`);
      parsed.value = raw["value"];
    }
    return parsed;
  });
}

/** An array index token: "0" or digits without a leading zero. */
function arrayIndex(token: string, length: number, allowEnd: boolean, pathText: string): number {
  if (allowEnd && token === "-") return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token))
    throw notApplicable(`invalid array index "${token}" in path ${pathText}`);
  const index = Number(token);
  const max = allowEnd ? length : length - 1;
  if (index > max) throw notApplicable(`array index ${index} out of range in path ${pathText}`);
  return index;
}

/** The container holding the last token of `path`, which must exist. */
function parentOf(doc: unknown, path: string[], pathText: string): unknown {
  let node = doc;
  for (const token of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length, false, pathText)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else throw notApplicable(`path not found: ${pathText}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw notApplicable(`path not found: ${pathText}`);
  return node;
}

function getValue(doc: unknown, path: string[], pathText: string): unknown {
  if (path.length === 0) return doc;
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false, pathText)];
  const obj = parent as Record<string, unknown>;
  if (!Object.hasOwn(obj, last)) throw notApplicable(`path not found: ${pathText}`);
  return obj[last];
}

/**
 * Keeps a patch within its bounds as it goes: the document's size is updated by every
 * operation (measuring only the values it adds, copies or removes) and a copy is measured
 * before it is made, so a copy bomb stops at the size limit instead of after building a
 * gigantic document. Everything measured or shifted counts as work.
 */
class Budget {
  size: number;
  private work = 0;

  constructor(
    private readonly bounds: PatchBounds,
    doc: unknown,
  ) {
    const m = measureJson(doc, { maxBytes: Infinity, maxDepth: Infinity });
    this.size = isJsonProblem(m) ? 0 : m.size;
  }

  private spend(units: number): void {
    this.work += units;
    if (this.work > this.bounds.maxWork) {
      throw tooLarge(
        `the JSON patch does too much work: its operations measure, copy or shift more than ${this.bounds.maxWork} bytes and items in all`,
      );
    }
  }

  /** A value about to sit `above` containers deep: refused if the document would outgrow its bounds. */
  adding(value: unknown, above: number, pathText: string): void {
    const room = this.bounds.maxBytes - this.size;
    const workRoom = this.bounds.maxWork - this.work;
    const m = measureJson(value, {
      maxBytes: Math.max(0, Math.min(room, workRoom)),
      maxDepth: Math.max(0, this.bounds.maxDepth - above),
    });
    if (isJsonProblem(m)) {
      if (m.problem === "depth") throw resultTooDeep(this.bounds.maxDepth, pathText);
      if (m.problem === "size" && room <= workRoom) throw resultTooLarge(this.bounds.maxBytes);
      this.spend(workRoom + 1);
      return;
    }
    this.spend(m.size);
    this.size += m.size;
  }

  /** A value that leaves the document. */
  removing(value: unknown): void {
    const m = measureJson(value, { maxBytes: this.bounds.maxWork - this.work, maxDepth: Infinity });
    if (isJsonProblem(m)) {
      this.spend(this.bounds.maxWork + 1);
      return;
    }
    this.spend(m.size);
    this.size -= m.size;
  }

  /** A value moved to a place `above` containers deep: only its depth may change. */
  moving(value: unknown, from: number, above: number, pathText: string): void {
    if (above <= from) return;
    const workRoom = this.bounds.maxWork - this.work;
    const m = measureJson(value, {
      maxBytes: workRoom,
      maxDepth: Math.max(0, this.bounds.maxDepth - above),
    });
    if (isJsonProblem(m)) {
      if (m.problem === "depth") throw resultTooDeep(this.bounds.maxDepth, pathText);
      this.spend(workRoom + 1);
      return;
    }
    this.spend(m.size);
  }

  /** Items an insert or removal in a list moves along. */
  shifting(items: number): void {
    this.spend(items);
  }
}

/** Adds (or, for objects, sets) a value; returns the new document. */
function addValue(doc: unknown, path: string[], pathText: string, value: unknown, budget: Budget): unknown {
  if (path.length === 0) {
    budget.removing(doc);
    return value;
  }
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, true, pathText);
    budget.shifting(parent.length - index);
    parent.splice(index, 0, value);
  } else {
    const obj = parent as Record<string, unknown>;
    if (Object.hasOwn(obj, last)) budget.removing(obj[last]);
    setOwn(obj, last, value);
  }
  return doc;
}

/** Removes a value that must exist; returns the new document. */
function removeValue(doc: unknown, path: string[], pathText: string, budget: Budget): unknown {
  if (path.length === 0) throw notApplicable("cannot remove the whole document");
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, false, pathText);
    budget.shifting(parent.length - index);
    parent.splice(index, 1);
  } else {
    const obj = parent as Record<string, unknown>;
    if (!Object.hasOwn(obj, last)) throw notApplicable(`path not found: ${pathText}`);
    delete obj[last];
  }
  return doc;
}

/** Replaces a value that must exist, in place (an object key keeps its position). */
function replaceValue(
  doc: unknown,
  path: string[],
  pathText: string,
  value: unknown,
  budget: Budget,
): unknown {
  budget.removing(getValue(doc, path, pathText));
  if (path.length === 0) return value;
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) parent[arrayIndex(last, parent.length, false, pathText)] = value;
  else setOwn(parent as Record<string, unknown>, last, value);
  return doc;
}

function isPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length < path.length && prefix.every((t, i) => t === path[i]);
}

function applyOne(doc: unknown, op: Operation, budget: Budget): unknown {
  switch (op.op) {
    case "add":
      budget.adding(op.value, op.path.length, op.pathText);
      return addValue(doc, op.path, op.pathText, clone(op.value), budget);
    case "remove":
      budget.removing(getValue(doc, op.path, op.pathText));
      return removeValue(doc, op.path, op.pathText, budget);
    case "replace":
      budget.adding(op.value, op.path.length, op.pathText);
      return replaceValue(doc, op.path, op.pathText, clone(op.value), budget);
    case "move": {
      const from = op.from ?? [];
      if (isPrefix(from, op.path))
        throw notApplicable(`cannot move ${op.fromText} into its own child ${op.pathText}`);
      const value = getValue(doc, from, op.fromText ?? "");
      budget.moving(value, from.length, op.path.length, op.pathText);
      // The value stays in the document: what removing takes off, adding puts back.
      const removed = removeValue(doc, from, op.fromText ?? "", budget);
      return addValue(removed, op.path, op.pathText, value, budget);
    }
    case "copy": {
      const value = getValue(doc, op.from ?? [], op.fromText ?? "");
      budget.adding(value, op.path.length, op.pathText);
      return addValue(doc, op.path, op.pathText, clone(value), budget);
    }
    case "test": {
      const actual = getValue(doc, op.path, op.pathText);
      if (!jsonEqual(actual, op.value))
        throw notApplicable(`test failed at ${op.pathText}: the value differs`);
      return doc;
    }
  }
}

/**
 * Applies an RFC 6902 JSON patch (add, remove, replace, move, copy, test; `~0`/`~1`
 * escapes; `-` appends). All or nothing: works on a copy, so the input is never changed.
 * Within `bounds`: at most `maxOperations` operations (else 413), a document that never
 * grows past `maxBytes` (413) or `maxDepth` (422), and at most `maxWork` work (413).
 */
export function applyJsonPatch(
  target: unknown,
  ops: unknown,
  bounds: PatchBounds = DEFAULT_PATCH_BOUNDS,
): unknown {
  if (Array.isArray(ops) && ops.length > bounds.maxOperations) {
    throw tooLarge(
      `The allowed maximum operations in a JSON patch is ${bounds.maxOperations}, but found ${ops.length}`,
    );
  }
  const operations = parseOperations(ops);
  let doc = clone(target);
  const budget = new Budget(bounds, doc);
  for (const op of operations) doc = applyOne(doc, op, budget);
  return doc;
}
