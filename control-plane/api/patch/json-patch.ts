// JSON patch (RFC 6902): the default patch of @kubernetes/client-node. A malformed patch is
// a 400 (BadRequest); a well-formed one that does not apply to the object (a failed test, a
// missing path) is a 422 (Invalid), as the Kubernetes API server answers.

import { EverynodeError } from "../../../shared/errors.js";
import { clone, isObject, jsonEqual } from "./json-value.js";

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

/** Adds (or, for objects, sets) a value; returns the new document. */
function addValue(doc: unknown, path: string[], pathText: string, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, pathText), 0, value);
  else (parent as Record<string, unknown>)[last] = value;
  return doc;
}

/** Removes a value that must exist; returns the new document. */
function removeValue(doc: unknown, path: string[], pathText: string): unknown {
  if (path.length === 0) throw notApplicable("cannot remove the whole document");
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false, pathText), 1);
  else {
    const obj = parent as Record<string, unknown>;
    if (!Object.hasOwn(obj, last)) throw notApplicable(`path not found: ${pathText}`);
    delete obj[last];
  }
  return doc;
}

/** Replaces a value that must exist, in place (an object key keeps its position). */
function replaceValue(doc: unknown, path: string[], pathText: string, value: unknown): unknown {
  if (path.length === 0) return value;
  getValue(doc, path, pathText);
  const parent = parentOf(doc, path, pathText);
  const last = path[path.length - 1] ?? "";
  if (Array.isArray(parent)) parent[arrayIndex(last, parent.length, false, pathText)] = value;
  else (parent as Record<string, unknown>)[last] = value;
  return doc;
}

function isPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length < path.length && prefix.every((t, i) => t === path[i]);
}

function applyOne(doc: unknown, op: Operation): unknown {
  switch (op.op) {
    case "add":
      return addValue(doc, op.path, op.pathText, clone(op.value));
    case "remove":
      return removeValue(doc, op.path, op.pathText);
    case "replace":
      return replaceValue(doc, op.path, op.pathText, clone(op.value));
    case "move": {
      const from = op.from ?? [];
      if (isPrefix(from, op.path))
        throw notApplicable(`cannot move ${op.fromText} into its own child ${op.pathText}`);
      const value = getValue(doc, from, op.fromText ?? "");
      return addValue(removeValue(doc, from, op.fromText ?? ""), op.path, op.pathText, value);
    }
    case "copy":
      return addValue(doc, op.path, op.pathText, clone(getValue(doc, op.from ?? [], op.fromText ?? "")));
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
 */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  const operations = parseOperations(ops);
  let doc = clone(target);
  for (const op of operations) doc = applyOne(doc, op);
  return doc;
}
