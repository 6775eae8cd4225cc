// Hostile JSON values and the mutations that plant them in a valid manifest: wrong types,
// prototype keys, huge strings, deep nesting, odd numbers and unicode. Everything here is a
// fast-check arbitrary, so a failure shrinks towards the smallest mutation that causes it.

import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Keys that are dangerous in JavaScript objects or odd in Kubernetes paths. */
export const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "",
  " ",
  "a.b",
  "a/b",
  "~0",
  "~1",
  "-",
  "0",
  "\u0000",
  "ключ",
  "🔥",
];

/** A string of `n` characters built at once (generating it char by char would take seconds). */
export function hugeString(n: number, unit = "x"): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/** `depth` nested arrays or objects around a leaf. */
export function deeplyNested(depth: number, kind: "array" | "object", leaf: Json = 1): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

const oddNumber = fc.constantFrom(
  -1,
  0,
  -0,
  0.5,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 32 + 1,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  1e-320,
);

const oddString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u202e", "\ud800", "\u0000", "null", "true", "1e3", "0x10", "-", "../../etc"),
  fc.integer({ min: 64, max: 600_000 }).map((n) => hugeString(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => hugeString(n * 2, "é")),
);

/** Any hostile leaf or small structure. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(null, true, false, [], {}, [null], [[]], { "": "" }) },
  { weight: 3, arbitrary: oddNumber },
  { weight: 4, arbitrary: oddString },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...HOSTILE_KEYS),
        fc.oneof(fc.constant<Json>(null), oddString, fc.constant<Json>({})),
      )
      .map(([k, v]) => JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v)}}`) as Json),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 50, max: 2_500 }), fc.constantFrom<"array" | "object">("array", "object"))
      .map(([d, k]) => deeplyNested(d, k)),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

/** Every path (as keys) to a value in a JSON document, the root included. */
export function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

export type Mutation =
  | { op: "set"; path: (string | number)[]; value: Json }
  | { op: "addKey"; path: (string | number)[]; key: string; value: Json }
  | { op: "delete"; path: (string | number)[] };

/** Applies mutations to a deep copy; keys are defined as own properties (never setters). */
export function applyMutations(doc: Json, mutations: Mutation[]): Json {
  let root = structuredClone(doc);
  for (const m of mutations) {
    if (m.path.length === 0) {
      if (m.op === "set") root = structuredClone(m.value);
      else if (m.op === "addKey" && root !== null && typeof root === "object" && !Array.isArray(root))
        Object.defineProperty(root, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      continue;
    }
    let parent: any = root;
    for (const k of m.path.slice(0, -1)) parent = parent?.[k];
    const last = m.path[m.path.length - 1] as string | number;
    if (parent === null || typeof parent !== "object") continue;
    if (m.op === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.op === "set") {
      Object.defineProperty(parent, last, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      const target = parent[last];
      if (target !== null && typeof target === "object" && !Array.isArray(target))
        Object.defineProperty(target, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
  }
  return root;
}

/** 1 to `max` mutations at paths that exist in `doc`. */
export function mutationsOf(doc: Json, max = 4): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(doc);
  // Shallow places (the root, metadata, spec) are where most handling code looks first.
  const shallow = paths.filter((p) => p.length <= 2);
  const path = fc.oneof(fc.constantFrom(...shallow), fc.constantFrom(...paths));
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), path, value: hostileValue }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant("addKey" as const),
        path,
        key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 12 })),
        value: hostileValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant("delete" as const), path: fc.constantFrom(...paths.slice(1)) }),
    },
  );
  return fc.array(mutation, { minLength: 1, maxLength: max });
}

/** A short description of a value for failure messages (huge strings and nests abbreviated). */
export function brief(value: unknown, max = 400): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) =>
      typeof v === "string" && v.length > 60 ? `<${v.length} chars ${JSON.stringify(v.slice(0, 12))}…>` : v,
    );
  } catch (e) {
    text = `<${(e as Error).message}>`;
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
