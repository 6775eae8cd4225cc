// Running commands for the tests and waiting on conditions: the one `run` (never rejects on
// a non-zero exit), `waitFor` with its deadline, and where each kubectl version lives.

import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and collects its output; never rejects on a non-zero exit. */
export function run(
  file: string,
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        env: { ...process.env, ...opts.env },
        cwd: opts.cwd ?? REPO_ROOT,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/**
 * The offline Node.js base image's tag, built from this machine's node if it is not there yet
 * (the script keeps one that exists). Each test that runs it builds it: files run in any order.
 */
export async function offlineBaseImage(): Promise<string> {
  const r = await run(path.join(REPO_ROOT, "scripts/build-offline-base-image.sh"), [], {
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`build-offline-base-image.sh failed: ${r.stderr}`);
  return r.stdout.trim().split("\n").pop() as string;
}

/** Thrown by a waitFor probe to stop waiting at once (a process it waits on has exited). */
export class StopWaiting extends Error {}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      if (e instanceof StopWaiting) throw e;
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The kubectl binary of a minor version (e.g. "1.29"), or the default dispatcher. */
export function kubectlPath(version?: string): string {
  if (!version) return "/usr/bin/kubectl";
  if (version === "1.20") return "/opt/everynode/kubectl-1.20";
  return `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
}
