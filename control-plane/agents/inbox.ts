// What the agents' sockets bring in, handled in order but in slices. When thousands of
// agents report at once (every node starting its new pod), one turn of the event loop reads
// all their messages; decoding, checking and applying each one there would hold the loop
// (and the API) for hundreds of milliseconds. The socket code only takes each message in
// and posts its handling here; the inbox runs what was posted, first in first out (so each
// connection's messages keep their order), for about `sliceMs` per turn, yielding between
// (control-plane/slices.ts).

import { Backlog } from "../backlog.js";
import { SliceScheduler, type SliceTask } from "../slices.js";

/** A FIFO of work run in time-bounded slices. */
export class Inbox {
  private readonly queue = new Backlog<() => void>();
  private closed = false;
  private readonly task: SliceTask;

  constructor(
    sliceMs: number,
    /** Hears work that threw (the rest still runs). */
    private readonly onError: (err: unknown) => void,
    /** Shares each turn with the control plane's other sliced work (its own by default). */
    slices: SliceScheduler = new SliceScheduler(sliceMs, () => {}),
  ) {
    this.task = slices.add("inbox", sliceMs, (deadline) => this.drain(deadline));
  }

  /** Queues `work` after everything posted before it. */
  post(work: () => void): void {
    if (this.closed) return;
    this.queue.push(work);
    this.task.wake();
  }

  /** How much is waiting. */
  get size(): number {
    return this.queue.size;
  }

  /** Runs everything waiting now, and stops taking more (shutdown). */
  close(): void {
    this.drain(Infinity);
    this.closed = true;
    this.task.cancel();
  }

  /** Runs what waits until `deadline`; true when some is left. */
  private drain(deadline: number): boolean {
    let n = 0;
    for (let work = this.queue.take(); work; work = this.queue.take()) {
      try {
        work();
      } catch (err) {
        this.onError(err);
      }
      // Reading the time costs more than a heartbeat: looked at every 8.
      if ((++n & 7) === 0 && performance.now() >= deadline) break;
    }
    return this.queue.size > 0 && !this.closed;
  }
}
