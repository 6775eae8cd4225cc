// Repeated warnings about what agents send, folded: instead of one log line per dropped
// status (an agent could make the server write megabytes of them with one message), one
// line per node and kind of problem per interval, with a count and a few examples.

import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";

export interface WarningDigestDeps {
  clock: Clock;
  logger: Logger;
  /** How often the folded lines are written; 10 s by default. */
  intervalMs?: number;
}

/** Examples kept per line. */
const EXAMPLES = 3;

interface Entry {
  node: string;
  what: string;
  count: number;
  examples: string[];
}

/** Folds `note()`s into one warning per node and kind per interval. */
export class WarningDigest {
  private entries = new Map<string, Entry>();
  private scheduled = false;
  private readonly timers = new AbortController();

  constructor(private readonly deps: WarningDigestDeps) {}

  /** One occurrence of `what` (e.g. "status reports for unknown pods") from `node`. */
  note(node: string, what: string, example: string): void {
    const key = `${node}\u0000${what}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { node, what, count: 0, examples: [] };
      this.entries.set(key, entry);
    }
    entry.count++;
    if (entry.examples.length < EXAMPLES) entry.examples.push(example);
    this.schedule();
  }

  /** Writes one line per node and kind noted since the last flush. */
  flush(): void {
    const entries = this.entries;
    this.entries = new Map();
    for (const e of entries.values()) {
      const more = e.count > e.examples.length ? ", ..." : "";
      this.deps.logger.warn(
        `${e.count} ${e.what} from node ${e.node}, e.g. ${e.examples.join("; ")}${more}`,
        {
          node: e.node,
          count: e.count,
        },
      );
    }
  }

  /** Writes what is left and stops the timer. */
  close(): void {
    this.timers.abort();
    this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.deps.clock.sleep(this.deps.intervalMs ?? 10_000, this.timers.signal).then(
      () => {
        this.scheduled = false;
        this.flush();
      },
      () => {
        this.scheduled = false;
      },
    );
  }
}
