// Field selectors: `?fieldSelector=spec.nodeName=node01,status.phase!=Failed`. kubectl's
// term order changes between versions, so terms are independent; a field an object lacks
// reads as "" (so `involvedObject.namespace=` matches an event about a Node).

import type { KubeObject } from "../../../shared/api-types.js";
import { EverynodeError } from "../../../shared/errors.js";
import type { ResourceName } from "../../kube/index.js";

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

type Getter = (obj: KubeObject) => unknown;

/** Reads a dotted path; anything missing is undefined. */
function at(path: string): Getter {
  const parts = path.split(".");
  return (obj) => {
    let node: unknown = obj;
    for (const p of parts) {
      if (typeof node !== "object" || node === null) return undefined;
      node = (node as Record<string, unknown>)[p];
    }
    return node;
  };
}

const META: Record<string, Getter> = {
  "metadata.name": at("metadata.name"),
  "metadata.namespace": at("metadata.namespace"),
};

function podIP(obj: KubeObject): unknown {
  const status = obj["status"] as { podIP?: string; podIPs?: { ip?: string }[] } | undefined;
  return status?.podIPs?.[0]?.ip ?? status?.podIP;
}

const FIELDS: Record<ResourceName, Record<string, Getter>> = {
  pods: {
    ...META,
    "spec.nodeName": at("spec.nodeName"),
    "spec.restartPolicy": at("spec.restartPolicy"),
    "spec.schedulerName": at("spec.schedulerName"),
    "spec.serviceAccountName": at("spec.serviceAccountName"),
    "status.phase": at("status.phase"),
    "status.podIP": podIP,
    "status.nominatedNodeName": at("status.nominatedNodeName"),
  },
  // Kubernetes prints the boolean, so an unset field reads "false", not "".
  nodes: { ...META, "spec.unschedulable": (obj) => String(at("spec.unschedulable")(obj) === true) },
  namespaces: { ...META, "status.phase": at("status.phase") },
  events: {
    ...META,
    ...Object.fromEntries(
      ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((f) => [
        `involvedObject.${f}`,
        at(`involvedObject.${f}`),
      ]),
    ),
    reason: at("reason"),
    reportingComponent: at("reportingComponent"),
    source: at("source.component"),
    type: at("type"),
  },
  daemonsets: { ...META },
  controllerrevisions: { ...META },
};

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
  const supported = FIELDS[resource];
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
  const value = FIELDS[resource][field]?.(object);
  return value === undefined || value === null ? "" : String(value);
}

/** True when the object meets every requirement (no requirements: always true). */
export function matchesFields(reqs: FieldRequirement[], object: KubeObject, resource: ResourceName): boolean {
  return reqs.every((r) => (fieldValue(object, r.field, resource) === r.value) === (r.operator === "="));
}
