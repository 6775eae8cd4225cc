// What both fleet runners share: the machine's facts for the record, flag numbers, progress.

import os from "node:os";
import type { ParsedFlags } from "../../shared/flags.js";

export interface MachineFacts {
  cpus: number;
  model: string;
  memoryGb: number;
  node: string;
  kernel: string;
}

export function machineFacts(): MachineFacts {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
  };
}

/** A numeric flag's value; a usage error names the flag. */
export function numberFlag(values: ParsedFlags["values"], name: string): number {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a number ≥ 0, got ${String(values[name])}`);
  return n;
}

/** One progress line on stderr, with the time since the runner started. */
const t0 = Date.now();
export function say(text: string): void {
  process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${text}\n`);
}
