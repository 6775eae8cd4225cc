// Kills a process that is writing to the store (SIGKILL, at a random moment) and checks
// what a user relies on after a crash: every transaction the writer saw committed is
// there, no transaction is half applied, and the revision goes on from the last commit.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import { systemClock } from "../../shared/clock.js";
import { openStore } from "../../control-plane/store/index.js";
import { tempDir } from "../../control-plane/store/test-support.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const writer = path.join(root, "test/store/fixtures/crash-writer.mjs");
const builtStore = path.join(root, "dist/control-plane/store/index.js");
// Must match crash-writer.mjs.
const GROUP = 5;
const KEEP = 10;
const ROUNDS = 4;

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .map((f) => statSync(path.join(dir, f)).mtimeMs),
  );
}

/** `npm test` builds dist first; a direct vitest run may find it missing or stale. */
function ensureBuilt(): void {
  const sources = Math.max(
    newestSource(path.join(root, "control-plane/store")),
    newestSource(path.join(root, "shared")),
  );
  if (existsSync(builtStore) && statSync(builtStore).mtimeMs >= sources) return;
  // Type errors elsewhere in the tree do not stop tsc from emitting; only the output matters.
  spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "ignore" });
  if (!existsSync(builtStore)) throw new Error(`building ${builtStore} failed`);
}

interface Committed {
  batch: number;
  revision: number;
}

/** Runs the writer until it reported `commits` commits, waits a random moment more, kills it. */
function runAndKill(file: string, run: number, commits: number, extraMs: number): Promise<Committed[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, file, String(run)], { stdio: ["ignore", "pipe", "pipe"] });
    const committed: Committed[] = [];
    let buffer = "";
    let stderr = "";
    let killing = false;
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const [, batch, revision] = line.split(" ");
        committed.push({ batch: Number(batch), revision: Number(revision) });
      }
      if (!killing && committed.length >= commits) {
        killing = true;
        setTimeout(() => child.kill("SIGKILL"), extraMs);
      }
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`the writer stopped by itself: ${stderr}`));
      else resolve(committed);
    });
  });
}

describe("store crash recovery", () => {
  const dir = tempDir();
  beforeAll(ensureBuilt);
  afterAll(() => dir.remove());

  it("after SIGKILL at random moments, keeps every reported commit and no half transaction", async () => {
    const file = dir.file();
    const lastReported = new Map<number, Committed>();
    for (let run = 0; run < ROUNDS; run++) {
      const commits = 5 + Math.floor(Math.random() * 60);
      const committed = await runAndKill(file, run, commits, Math.floor(Math.random() * 25));
      expect(committed.length).toBeGreaterThanOrEqual(commits);
      const last = committed[committed.length - 1];
      if (last) lastReported.set(run, last);

      const store = openStore({ path: file, clock: systemClock });
      try {
        const pods = store.list("pods", "crash");
        for (let r = 0; r <= run; r++) {
          const counter = store.get("namespaces", undefined, `counter-${r}`);
          const reported = lastReported.get(r);
          // The last commit the writer reported (or a later one) is there.
          const lastBatch = Number(counter?.metadata.annotations?.["lastBatch"] ?? -1);
          expect(lastBatch).toBeGreaterThanOrEqual(reported?.batch ?? 0);
          // Exactly the groups of the last KEEP transactions, each complete.
          const groups = new Map<number, KubeObject[]>();
          for (const p of pods.filter((o) => o.metadata.labels?.["run"] === String(r))) {
            const batch = Number(p.metadata.labels?.["batch"]);
            groups.set(batch, [...(groups.get(batch) ?? []), p]);
          }
          const expected: number[] = [];
          for (let b = Math.max(0, lastBatch - KEEP + 1); b <= lastBatch; b++) expected.push(b);
          expect([...groups.keys()].sort((a, b) => a - b)).toEqual(expected);
          for (const members of groups.values()) {
            expect(members).toHaveLength(GROUP);
            // One transaction: the group's revisions are consecutive.
            const revisions = members.map((m) => Number(m.metadata.resourceVersion)).sort((a, b) => a - b);
            expect(revisions[GROUP - 1]! - revisions[0]!).toBe(GROUP - 1);
          }
        }
        const all = [...store.list("pods"), ...store.list("namespaces")];
        const maxObjectRevision = Math.max(...all.map((o) => Number(o.metadata.resourceVersion)));
        expect(store.revision()).toBe(maxObjectRevision);
        expect(store.revision()).toBeGreaterThanOrEqual(last?.revision ?? 0);
      } finally {
        store.close();
      }
    }
  });
});
