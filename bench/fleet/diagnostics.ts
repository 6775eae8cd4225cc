// The server's memory from the inside without touching its code: Node's diagnostic report
// (`--report-on-signal`), asked for with SIGUSR2, gives the V8 heap (used, committed,
// external) and the libuv handles (one TCP handle per open socket: a leaked session shows).
// A heap snapshot (SIGTTIN, `--heapsnapshot-signal`) is for looking at by hand.

import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

/** The node flags that make the server answer these signals, writing into `dir`. */
export function diagnosticFlags(dir: string, heapSnapshots: boolean): string[] {
  // Without --report-exclude-network the report looks up the name of every socket's peer,
  // blocking the server for minutes with thousands of agents connected.
  const flags = [
    "--report-on-signal",
    "--report-signal=SIGUSR2",
    "--report-exclude-network",
    `--report-directory=${dir}`,
  ];
  if (heapSnapshots) flags.push("--heapsnapshot-signal=SIGTTIN", `--diagnostic-dir=${dir}`);
  return flags;
}

export interface HeapFacts {
  heapUsedBytes: number;
  heapCommittedBytes: number;
  externalBytes: number;
  /** libuv handles by type (tcp = sockets, timer, ...). */
  handles: Record<string, number>;
}

interface Report {
  javascriptHeap: { usedMemory: number; totalCommittedMemory: number; externalMemory: number };
  libuv: { type: string }[];
}

/** Asks the server for a diagnostic report and reads it; undefined when none came in 30 s. */
export async function serverReport(pid: number, dir: string): Promise<HeapFacts | undefined> {
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const fresh = (existsSync(dir) ? readdirSync(dir) : []).find(
      (f) => f.startsWith("report.") && !before.has(f),
    );
    if (!fresh) continue;
    const file = path.join(dir, fresh);
    let report: Report;
    try {
      report = JSON.parse(readFileSync(file, "utf8")) as Report;
    } catch {
      continue; // still being written
    }
    rmSync(file, { force: true });
    const handles: Record<string, number> = {};
    for (const h of report.libuv) handles[h.type] = (handles[h.type] ?? 0) + 1;
    return {
      heapUsedBytes: report.javascriptHeap.usedMemory,
      heapCommittedBytes: report.javascriptHeap.totalCommittedMemory,
      externalBytes: report.javascriptHeap.externalMemory,
      handles,
    };
  }
  return undefined;
}
