// Work that gives way to something more urgent while it runs, but never for longer than a
// bound in a row, so that a steady stream of urgent work cannot starve it: status writes
// wait while assignment sets go out, and the controller's next plan waits for those and for
// the statuses taken in to be written.

import type { Clock } from "../shared/clock.js";

export class Hold {
  /** Since when the work has waited (clock ms); unset while nothing urgent runs. */
  private since: number | undefined;

  constructor(
    private readonly clock: Clock,
    /** The longest the work waits in a row. */
    private readonly maxMs: number,
    /** Whether the urgent work runs now. */
    private readonly urgent: () => boolean,
  ) {}

  /** Whether the work waits now: the urgent work runs and has not yet held it for maxMs. */
  waits(): boolean {
    if (!this.urgent()) {
      this.since = undefined;
      return false;
    }
    const now = this.clock.now();
    this.since ??= now;
    return now - this.since < this.maxMs;
  }
}
