// Kubernetes resource quantities ("500m", "128Mi", "1e3", 2) as everynode reads them: the
// API validates them, the agent turns them into Docker's NanoCpus and memory bytes.

import { EverynodeError } from "./errors.js";

/** Kubernetes' own wording of the quantity syntax, used in every error about a bad quantity. */
export const QUANTITY_SYNTAX_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const SHAPE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const EXPONENT = /^[eE][+-]?\d+$/;

const SUFFIX: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

function multiplier(suffix: string): number | undefined {
  const known = SUFFIX[suffix];
  if (known !== undefined) return known;
  if (EXPONENT.test(suffix)) return 10 ** Number(suffix.slice(1));
  return undefined;
}

function tryParse(q: unknown): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) ? q : undefined;
  if (typeof q !== "string") return undefined;
  const m = SHAPE.exec(q);
  if (!m) return undefined;
  const num = m[1] ?? "";
  const mult = multiplier(m[2] ?? "");
  if (!NUMBER.test(num) || mult === undefined) return undefined;
  return Number(num) * mult;
}

/** The quantity's value in base units (cores, bytes); throws an "Invalid" EverynodeError on bad input. */
export function parseQuantity(q: string | number): number {
  const value = tryParse(q);
  if (value === undefined) {
    throw new EverynodeError("Invalid", `invalid quantity ${JSON.stringify(q)}: ${QUANTITY_SYNTAX_MESSAGE}`);
  }
  return value;
}

/** Whether `q` is a quantity Kubernetes would accept (a number or a string such as "250m", "1Gi"). */
export function isValidQuantity(q: unknown): boolean {
  return tryParse(q) !== undefined;
}

/** CPU as Kubernetes prints it: whole cores as "2", anything else as millicores, "500m". */
export function formatCpuMillis(millis: number): string {
  const m = Math.ceil(millis);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** CPU in millicores, rounded up as Kubernetes rounds to milli precision. */
export function cpuToMillis(q: string | number): number {
  return Math.ceil(Math.round(parseQuantity(q) * 1e9) / 1e6);
}

/** CPU in Docker's NanoCpus (1 core = 1e9). */
export function cpuToNanoCpus(q: string | number): number {
  return cpuToMillis(q) * 1e6;
}

/** Memory in bytes, rounded up to a whole byte. */
export function memoryToBytes(q: string | number): number {
  // Round away float noise first ("1.1Gi" must not become one byte too many).
  return Math.ceil(Math.round(parseQuantity(q) * 1000) / 1000);
}
