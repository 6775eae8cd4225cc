// A status line that is redrawn in place on a terminal and printed as plain lines (only
// when it changes) elsewhere, so logs and pipes get no carriage returns.

/** One live line on a stream. */
export class ProgressLine {
  private last = "";
  private drawn = false;

  /** `quietUnlessTTY`: print nothing at all when not a terminal. */
  constructor(
    private readonly write: (text: string) => void,
    private readonly isTTY: boolean,
    private readonly quietUnlessTTY = false,
  ) {}

  /** Shows `text` (redraws on a terminal; a new line elsewhere when it changed). */
  update(text: string): void {
    if (text === this.last) return;
    this.last = text;
    if (this.isTTY) {
      this.write(`\r\x1b[K${text}`);
      this.drawn = true;
    } else if (!this.quietUnlessTTY) this.write(`${text}\n`);
  }

  /** Ends the live line: on a terminal keeps it (`keep`) or erases it. */
  finish(keep = false): void {
    if (!this.isTTY || !this.drawn) return;
    this.write(keep ? "\n" : "\r\x1b[K");
    this.drawn = false;
  }
}
