// WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT
// that crosses 1,000 WAL pages: it copies those pages into the database file and fsyncs it,
// half of all SQLite time under a burst of writes, and one commit of a ~10 ms slice takes
// 100 ms or more. Instead the store turns the automatic checkpoint off and a worker thread
// with its own connection runs a PASSIVE checkpoint (it never blocks the writer) a few
// times a second. Crash safety is unchanged: a commit is durable in the WAL, whoever copies
// it later. If the worker fails, the main connection takes checkpoints back.
//
// The worker also cuts the WAL file back after a burst. Left to the writer (SQLite's
// journal_size_limit), the cut happens inside the first commit after a complete checkpoint
// and stalls it: 33-49 ms for a 166 MB WAL measured alone, up to ~90 ms in a 10,000-node
// rollout. So the store's own connection never cuts it, and the worker truncates the WAL
// once it is over the limit, fully checkpointed, and has not grown for `quietMs` (the burst
// is over); a write that comes meanwhile waits for the lock, at a quiet time.

import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** The worker: one connection that only checkpoints, until told to stop. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { statSync } = require("node:fs");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 0");
const walSize = () => {
  try {
    return statSync(workerData.path + "-wal").size;
  } catch {
    return 0;
  }
};
let lastSize = -1;
let sameSince = Date.now();
const checkpoint = () => {
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    const size = walSize();
    if (size !== lastSize) {
      lastSize = size;
      sameSince = Date.now();
    }
    const copied = r && r.busy === 0 && r.log === r.checkpointed;
    if (copied && size > workerData.walLimitBytes && Date.now() - sameSince >= workerData.quietMs) {
      // Busy (a writer or reader in the way) leaves it as it is: the next tick tries again.
      const [t] = db.pragma("wal_checkpoint(TRUNCATE)");
      if (t && t.busy === 0) lastSize = -1;
    }
  } catch (e) {
    // Busy (a writer restarting the WAL) is retried at the next tick; anything else is reported.
    if (!/busy|locked/i.test(String(e && e.message))) parentPort.postMessage({ error: String(e && e.message) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointerOptions {
  /** The database file (a WAL database). */
  path: string;
  /** How often the worker checkpoints; default 250 ms. */
  intervalMs?: number;
  /** The WAL file's size past which the worker cuts it back. */
  walLimitBytes: number;
  /** How long the WAL file must not have grown before it is cut back; default 30 s. */
  quietMs?: number;
  /** The worker failed or stopped unasked: the store must checkpoint again itself. */
  onFailure: (reason: string) => void;
}

/** Runs WAL checkpoints in a worker thread; see the file comment. */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;
  private failed = false;

  constructor(private readonly options: CheckpointerOptions) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve("better-sqlite3"),
        path: options.path,
        intervalMs: options.intervalMs ?? 250,
        walLimitBytes: options.walLimitBytes,
        quietMs: options.quietMs ?? 30_000,
      },
    });
    // Never what keeps the process alive.
    this.worker.unref();
    this.worker.on("message", (m: { error?: string }) => {
      if (m.error) this.fail(`checkpoint failed: ${m.error}`);
    });
    this.worker.on("error", (e) => this.fail(String(e)));
    this.worker.on("exit", (code) => {
      if (!this.stopped) this.fail(`checkpoint worker exited (${code})`);
    });
  }

  /** Tells the worker to close its connection and end (it finishes a checkpoint in progress). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.postMessage("stop");
  }

  private fail(reason: string): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    this.stop();
    this.options.onFailure(reason);
  }
}
