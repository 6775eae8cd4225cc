// Label selectors: the `?labelSelector=` text kubectl and client-node send
// (`app=nginx,tier in (a,b),!canary`), the structured selector of a DaemonSet, matching,
// and printing a structured selector the way kubectl's tables print it.

import type { LabelSelector } from "../../../shared/api-types.js";
import { EverynodeError } from "../../../shared/errors.js";
import { labelValueErrors, qualifiedNameErrors } from "../validation/names.js";

/** One term of a label selector. `!` means "has no such label". */
export interface LabelRequirement {
  key: string;
  operator: "=" | "!=" | "in" | "notin" | "exists" | "!";
  values: string[];
}

const parseError = (detail: string) =>
  new EverynodeError("BadRequest", `unable to parse requirement: ${detail}`);

function checkKey(key: string): void {
  const problems = qualifiedNameErrors(key);
  if (problems.length > 0) throw parseError(`invalid label key "${key}": ${problems.join("; ")}`);
}

function checkValue(value: string): void {
  const problems = labelValueErrors(value);
  if (problems.length > 0) throw parseError(`invalid label value "${value}": ${problems.join("; ")}`);
}

type Token = { kind: "id" | "op" | "end"; text: string };

const SYMBOLS = ["!=", "==", "=", "!", "(", ")", ",", ">", "<"];
const SPECIAL = new Set(["=", "!", "(", ")", ",", ">", "<"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? "";
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i));
    if (symbol) {
      tokens.push({ kind: "op", text: symbol });
      i += symbol.length;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j] ?? "") && !SPECIAL.has(text[j] ?? "")) j++;
    tokens.push({ kind: "id", text: text.slice(i, j) });
    i = j;
  }
  tokens.push({ kind: "end", text: "" });
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos] ?? { kind: "end", text: "" };
  }

  next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }

  identifier(after: string): string {
    const t = this.next();
    if (t.kind !== "id") throw parseError(`found '${t.text}', expected: identifier after ${after}`);
    return t.text;
  }

  /** `(a, b)`; `()` is the set holding the empty value, as Kubernetes reads it. */
  valueSet(): string[] {
    const open = this.next();
    if (open.text !== "(") throw parseError(`found '${open.text}', expected: '('`);
    const values: string[] = [];
    let current = "";
    for (;;) {
      const t = this.next();
      if (t.kind === "id") current = t.text;
      else if (t.text === "," || t.text === ")") {
        values.push(current);
        current = "";
        if (t.text === ")") return values;
      } else throw parseError(`found '${t.text}', expected: ',' or ')'`);
    }
  }

  requirement(): LabelRequirement {
    if (this.peek().text === "!") {
      this.next();
      return { key: this.identifier("'!'"), operator: "!", values: [] };
    }
    const key = this.identifier("the start of a requirement");
    const t = this.peek();
    if (t.kind === "end" || t.text === ",") return { key, operator: "exists", values: [] };
    this.next();
    if (t.text === "=" || t.text === "==" || t.text === "!=") {
      const v = this.peek();
      const value = v.kind === "id" ? this.next().text : "";
      if (v.kind === "op" && v.text !== ",") throw parseError(`found '${v.text}', expected: identifier`);
      return { key, operator: t.text === "!=" ? "!=" : "=", values: [value] };
    }
    if (t.kind === "id" && (t.text === "in" || t.text === "notin")) {
      return { key, operator: t.text, values: this.valueSet() };
    }
    if (t.text === ">" || t.text === "<")
      throw parseError(`the operator '${t.text}' is not supported in label selectors`);
    throw parseError(`found '${t.text}', expected: '=', '!=', '==', 'in', 'notin'`);
  }

  all(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    if (this.peek().kind === "end") return reqs;
    for (;;) {
      reqs.push(this.requirement());
      const t = this.next();
      if (t.kind === "end") return reqs;
      if (t.text !== ",") throw parseError(`found '${t.text}', expected: ',' or end of string`);
    }
  }
}

/**
 * Parses a label selector string: `a=b`, `a==b`, `a!=b`, `env in (a,b)`, `env notin (a)`,
 * `key`, `!key`, joined by commas. An empty string selects everything (no requirements).
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const reqs = new Parser(tokenize(text)).all();
  for (const r of reqs) {
    checkKey(r.key);
    r.values.forEach(checkValue);
  }
  return reqs;
}

const OPERATORS: Record<string, LabelRequirement["operator"]> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/** The requirements of a structured selector: matchLabels as `=`, then matchExpressions. */
export function labelSelectorToRequirements(sel: LabelSelector): LabelRequirement[] {
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: "=",
    values: [value],
  }));
  for (const e of sel.matchExpressions ?? []) {
    const operator = Object.hasOwn(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
    if (!operator)
      throw new EverynodeError("BadRequest", `"${e.operator}" is not a valid label selector operator`);
    reqs.push({
      key: e.key,
      operator,
      values: operator === "in" || operator === "notin" ? [...(e.values ?? [])] : [],
    });
  }
  return reqs;
}

/**
 * Whether a structured selector selects an object with `labels`. A missing selector selects
 * nothing and an empty one everything, as Kubernetes' LabelSelectorAsSelector does; one that
 * cannot be read (an unknown operator in odd stored data) selects nothing.
 */
export function labelSelectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (typeof selector !== "object" || selector === null || Array.isArray(selector)) return false;
  let reqs: LabelRequirement[];
  try {
    reqs = labelSelectorToRequirements(selector);
  } catch {
    return false;
  }
  return matchesLabels(reqs, labels);
}

/** True when the labels meet every requirement (no requirements: always true). */
export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const value = l[r.key];
    switch (r.operator) {
      case "=":
        return has && value === r.values[0];
      case "!=":
        return !has || value !== r.values[0];
      case "in":
        return has && r.values.includes(value ?? "");
      case "notin":
        return !has || !r.values.includes(value ?? "");
      case "exists":
        return has;
      case "!":
        return !has;
    }
  });
}

function formatRequirement(r: LabelRequirement): string {
  switch (r.operator) {
    case "=":
    case "!=":
      return `${r.key}${r.operator}${r.values[0] ?? ""}`;
    case "in":
    case "notin":
      return `${r.key} ${r.operator} (${[...r.values].sort().join(",")})`;
    case "exists":
      return r.key;
    case "!":
      return `!${r.key}`;
  }
}

/**
 * Prints a structured selector as kubectl's tables do (`app=nginx,tier in (a,b)`), terms
 * sorted by key. An empty or absent selector gives "" (the caller prints `<none>`).
 */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  if (!sel) return "";
  const reqs = labelSelectorToRequirements(sel);
  return reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map(({ r }) => formatRequirement(r))
    .join(",");
}
