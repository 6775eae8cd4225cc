// kubectl's JSONPath templates for `-o jsonpath=...` and custom columns: literal text,
// `{.a.b}`, `[0]`, `[*]`, `[1:3]`, `['k.e.y']`, `..name`, filters `[?(@.x=="y")]`,
// `{range ...}...{end}` and `{"\n"}` literals. Missing keys print nothing, as in `get`.

import { EverynodeError } from "../../shared/errors.js";

type Step =
  | { t: "field"; name: string; recursive: boolean }
  | { t: "wild"; recursive: boolean }
  | { t: "index"; indices: number[] }
  | { t: "slice"; start?: number; end?: number; step?: number }
  | { t: "filter"; left: Step[]; op?: string; right?: { value: unknown } | { path: Step[] } };

type TemplateNode =
  | { kind: "text"; value: string }
  | { kind: "expr"; path: Step[] }
  | { kind: "range"; path: Step[]; body: TemplateNode[] };

const bad = (template: string, why: string): EverynodeError =>
  new EverynodeError("Usage", `error parsing jsonpath ${template}, ${why}`);

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let cur = "";
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "[" || ch === "(") depth++;
    else if (ch === "]" || ch === ")") depth--;
    else if (ch === sep && depth === 0) {
      out.push(cur);
      cur = "";
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1);
  if (t.startsWith('"')) return JSON.parse(t) as unknown;
  if (t === "true" || t === "false") return t === "true";
  if (t === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Parses a path such as `.items[*].metadata.name` into steps. */
export function parsePath(src: string, template = src): Step[] {
  let s = src.trim();
  if (s.startsWith("$") || s.startsWith("@")) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  if (s.length > 0 && /[A-Za-z_]/.test(s[0] as string)) s = "." + s;
  while (i < s.length) {
    let recursive = false;
    if (s.startsWith("..", i)) {
      recursive = true;
      i += 2;
    } else if (s[i] === ".") i += 1;
    if (s[i] === "[") {
      let depth = 0;
      let j = i;
      let quote = "";
      for (; j < s.length; j++) {
        const ch = s[j] as string;
        if (quote) {
          if (ch === quote) quote = "";
        } else if (ch === "'" || ch === '"') quote = ch;
        else if (ch === "[") depth++;
        else if (ch === "]" && --depth === 0) break;
      }
      if (j >= s.length) throw bad(template, "unterminated array");
      const inner = s.slice(i + 1, j).trim();
      i = j + 1;
      if (recursive) steps.push({ t: "wild", recursive: true });
      steps.push(parseBracket(inner, template));
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== "." && s[j] !== "[") j++;
    const name = s.slice(i, j);
    i = j;
    if (name === "*") steps.push({ t: "wild", recursive });
    else if (name) steps.push({ t: "field", name, recursive });
    else if (!recursive && i < s.length && s[i] !== "[") throw bad(template, "invalid path");
  }
  return steps;
}

function parseBracket(inner: string, template: string): Step {
  if (inner === "*") return { t: "wild", recursive: false };
  if (inner.startsWith("?(") && inner.endsWith(")")) {
    const body = inner.slice(2, -1).trim();
    const m = /^(@[^=!<>\s]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
    if (!m) return { t: "filter", left: parsePath(body, template) };
    const right = (m[3] as string).trim();
    return {
      t: "filter",
      left: parsePath(m[1] as string, template),
      op: m[2] as string,
      right:
        right.startsWith("@") || right.startsWith("$")
          ? { path: parsePath(right, template) }
          : { value: parseLiteral(right) },
    };
  }
  if (inner.startsWith("'") || inner.startsWith('"')) {
    const names = splitTopLevel(inner, ",").map((n) => String(parseLiteral(n)));
    if (names.length !== 1) throw bad(template, "unions of keys are not supported");
    return { t: "field", name: names[0] as string, recursive: false };
  }
  if (inner.includes(":")) {
    const [a, b, c] = inner.split(":").map((x) => (x.trim() === "" ? undefined : Number(x)));
    return {
      t: "slice",
      ...(a !== undefined ? { start: a } : {}),
      ...(b !== undefined ? { end: b } : {}),
      ...(c !== undefined ? { step: c } : {}),
    };
  }
  const indices = inner.split(",").map((x) => Number(x.trim()));
  if (indices.some((n) => !Number.isInteger(n))) throw bad(template, `invalid array index ${inner}`);
  return { t: "index", indices };
}

function descendants(v: unknown, out: unknown[] = []): unknown[] {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descendants(x, out);
  else if (v && typeof v === "object") for (const x of Object.values(v)) descendants(x, out);
  return out;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
      return a === b || (a !== undefined && b !== undefined && String(a) === String(b));
    case "!=":
      return !(a === b || (a !== undefined && String(a) === String(b)));
    case "<":
      return Number(a) < Number(b);
    case ">":
      return Number(a) > Number(b);
    case "<=":
      return Number(a) <= Number(b);
    default:
      return Number(a) >= Number(b);
  }
}

/** Evaluates steps against a value: every match, in document order. */
export function evaluate(steps: Step[], root: unknown): unknown[] {
  let cur: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v0 of cur) {
      const sources = "recursive" in step && step.recursive ? descendants(v0) : [v0];
      for (const v of sources) {
        if (step.t === "field") {
          if (v && typeof v === "object" && !Array.isArray(v) && step.name in v)
            next.push((v as Record<string, unknown>)[step.name]);
        } else if (step.t === "wild") {
          if (Array.isArray(v)) next.push(...v);
          else if (v && typeof v === "object") next.push(...Object.values(v));
        } else if (step.t === "index") {
          if (!Array.isArray(v)) continue;
          for (const i of step.indices) {
            const k = i < 0 ? v.length + i : i;
            if (k >= 0 && k < v.length) next.push(v[k]);
          }
        } else if (step.t === "slice") {
          if (!Array.isArray(v)) continue;
          const norm = (x: number): number => (x < 0 ? Math.max(0, v.length + x) : Math.min(x, v.length));
          const start = norm(step.start ?? 0);
          const end = norm(step.end ?? v.length);
          for (let k = start; k < end; k += step.step ?? 1) next.push(v[k]);
        } else {
          const items = Array.isArray(v) ? v : [v];
          for (const item of items) {
            const left = evaluate(step.left, item);
            if (!step.op) {
              if (left.length > 0) next.push(item);
              continue;
            }
            const right =
              step.right && "path" in step.right ? evaluate(step.right.path, item)[0] : step.right?.value;
            if (left.length > 0 && compare(left[0], step.op, right)) next.push(item);
          }
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** Parses a whole template (`{...}` expressions in literal text). */
export function parseTemplate(template: string): TemplateNode[] {
  let t = template;
  if (t.length >= 2 && ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"'))))
    t = t.slice(1, -1);
  const root: TemplateNode[] = [];
  const stack: TemplateNode[][] = [root];
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf("{", i);
    const top = stack[stack.length - 1] as TemplateNode[];
    if (open < 0) {
      top.push({ kind: "text", value: t.slice(i) });
      break;
    }
    if (open > i) top.push({ kind: "text", value: t.slice(i, open) });
    let j = open + 1;
    let quote = "";
    for (; j < t.length; j++) {
      const ch = t[j] as string;
      if (quote) {
        if (ch === "\\") j++;
        else if (ch === quote) quote = "";
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === "}") break;
    }
    if (j >= t.length) throw bad(template, "unclosed action");
    const body = t.slice(open + 1, j).trim();
    i = j + 1;
    if (body === "end") {
      if (stack.length === 1) throw bad(template, "not in range, nothing to end");
      stack.pop();
    } else if (body.startsWith("range ")) {
      const node: TemplateNode = { kind: "range", path: parsePath(body.slice(6), template), body: [] };
      top.push(node);
      stack.push(node.body);
    } else if (body.startsWith('"') || body.startsWith("'")) {
      top.push({ kind: "text", value: String(parseLiteral(body)) });
    } else top.push({ kind: "expr", path: parsePath(body, template) });
  }
  if (stack.length > 1) throw bad(template, "unclosed range");
  return root;
}

/** How kubectl prints one value: strings raw, everything else as JSON. */
export function valueText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined) return "";
  return JSON.stringify(v);
}

function run(nodes: TemplateNode[], data: unknown): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.value;
    else if (n.kind === "expr") out += evaluate(n.path, data).map(valueText).join(" ");
    else {
      const found = evaluate(n.path, data);
      const items = found.length === 1 && Array.isArray(found[0]) ? (found[0] as unknown[]) : found;
      for (const item of items) out += run(n.body, item);
    }
  }
  return out;
}

/** Applies a JSONPath template to a value. */
export function executeJsonPath(template: string, data: unknown): string {
  return run(parseTemplate(template), data);
}
