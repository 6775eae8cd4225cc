// Field selectors: `?fieldSelector=spec.nodeName=node01,status.phase!=Failed`. kubectl's
// term order changes between versions, so terms are independent; a field an object lacks
// reads as "" (so `involvedObject.namespace=` matches an event about a Node). Which fields a
// kind may select on is in its kind file (control-plane/kube/kinds).

import type { KubeObject } from "../../../shared/api-types.js";
import { EverynodeError } from "../../../shared/errors.js";
import { REGISTRY } from "../kinds/index.js";
import type { ResourceName } from "../kinds/resources.js";
import { type FieldReader, selectableFields } from "../kinds/selectable-fields.js";
import { resourceKinds } from "../schema/registry.js";

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

/** The fields each stored kind may select on (its kind file's `fieldSelectors`), made once. */
let fields: Map<string, Readonly<Record<string, FieldReader>>> | undefined;

function fieldsOf(resource: ResourceName): Readonly<Record<string, FieldReader>> {
  fields ??= new Map(resourceKinds(REGISTRY).map((k) => [k.resource, selectableFields(k)]));
  const found = fields.get(resource);
  if (found === undefined) throw new Error(`no kind is served as ${resource}`);
  return found;
}

const OPERATORS = ["!=", "==", "="] as const;

/** Splits on unescaped commas (a backslash escapes the next character). */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + (text[i + 1] ?? "");
      i++;
    } else if (ch === ",") {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms;
}

/** Finds the first unescaped operator of a term. */
function splitTerm(term: string): [string, (typeof OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === "\\") {
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => term.startsWith(o, i));
    if (op) return [term.slice(0, i), op, term.slice(i + op.length)];
  }
  return undefined;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, "$1");
}

/**
 * Parses a field selector for `resource`: terms separated by ",", each `field=value`,
 * `field==value` or `field!=value` (values may be empty). Throws BadRequest on bad syntax
 * and `field label not supported: <field>` for a field this resource cannot select on.
 */
export function parseFieldSelector(text: string, resource: ResourceName): FieldRequirement[] {
  const supported = fieldsOf(resource);
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(text)) {
    if (term.trim() === "") continue;
    const parts = splitTerm(term);
    if (!parts)
      throw new EverynodeError("BadRequest", `invalid selector: '${text}'; can't understand '${term}'`);
    const [rawField, op, rawValue] = parts;
    const field = rawField.trim();
    if (!Object.hasOwn(supported, field))
      throw new EverynodeError("BadRequest", `field label not supported: ${field}`);
    reqs.push({ field, operator: op === "!=" ? "!=" : "=", value: unescape(rawValue) });
  }
  return reqs;
}

/** The value of a selectable field as text; missing fields are "". */
function fieldValue(object: KubeObject, field: string, resource: ResourceName): string {
  const read = fieldsOf(resource)[field];
  const value = read?.(object);
  return value === undefined || value === null ? "" : String(value);
}

/** True when the object meets every requirement (no requirements: always true). */
export function matchesFields(reqs: FieldRequirement[], object: KubeObject, resource: ResourceName): boolean {
  return reqs.every((r) => (fieldValue(object, r.field, resource) === r.value) === (r.operator === "="));
}
