// Credit-based flow control for one direction of one stream, used the same way by the
// server and the agent. The sender spends credit as it sends and holds back (and pauses
// its source) when it has none; the receiver counts what arrived, refuses a sender that
// overran its window, and hands credit back in batches as its consumer takes the bytes.

import { EverynodeError } from "./errors.js";

/** The sending side: what may go now, and a small queue for the rest of the last chunk. */
export class CreditSender {
  private credit: number;
  private readonly queue: Buffer[] = [];

  constructor(
    window: number,
    private readonly emit: (chunk: Buffer) => void,
    private readonly chunkBytes: number,
    /** Called when everything queued went out after being blocked. */
    private readonly onDrain: () => void = () => {},
  ) {
    this.credit = window;
  }

  /** Sends what the credit allows and queues the rest; false when the source should pause. */
  write(data: Buffer): boolean {
    if (data.length > 0) this.queue.push(data);
    this.flush();
    return this.queue.length === 0;
  }

  /** The receiver consumed `bytes`: send what waited; drained when the queue emptied. */
  grant(bytes: number): void {
    const blocked = this.queue.length > 0;
    this.credit += bytes;
    this.flush();
    if (blocked && this.queue.length === 0) this.onDrain();
  }

  get blocked(): boolean {
    return this.queue.length > 0;
  }

  get available(): number {
    return this.credit;
  }

  private flush(): void {
    while (this.queue.length > 0 && this.credit > 0) {
      const head = this.queue[0]!;
      const n = Math.min(head.length, this.credit, this.chunkBytes);
      this.emit(head.subarray(0, n));
      this.credit -= n;
      if (n === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
  }
}

/** The receiving side: bounds what is outstanding, and batches the credit it returns. */
export class CreditReceiver {
  private outstanding = 0;
  private consumedSinceGrant = 0;

  constructor(
    private readonly window: number,
    private readonly sendCredit: (bytes: number) => void,
  ) {}

  /** Bytes arrived; throws a ProtocolError when the sender went past its window. */
  received(bytes: number): void {
    if (this.outstanding + bytes > this.window)
      throw new EverynodeError(
        "ProtocolError",
        `stream data beyond its credit window (${this.outstanding + bytes} > ${this.window} bytes)`,
      );
    this.outstanding += bytes;
  }

  /** The consumer took `bytes`: credit goes back once a quarter of the window was consumed. */
  consumed(bytes: number): void {
    this.outstanding -= bytes;
    this.consumedSinceGrant += bytes;
    if (this.consumedSinceGrant >= this.window / 4 || this.outstanding === 0) {
      const n = this.consumedSinceGrant;
      this.consumedSinceGrant = 0;
      if (n > 0) this.sendCredit(n);
    }
  }
}
