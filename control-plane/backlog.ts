// A first-in, first-out backlog worked off in slices: adding and taking are O(1), and the
// part already taken is let go whole now and then, never shifted item by item (an array's
// shift() moves every item left, thousands of times per slice at 10,000 nodes).

/** Past this many taken items, and more than half the array, the taken part is let go. */
const COMPACT_AFTER = 4096;

export class Backlog<T> {
  private items: T[] = [];
  private head = 0;

  /** Items not taken yet. */
  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, taken out of the backlog; undefined when it is empty. */
  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    // Let the item go at once: the taken part is dropped only now and then.
    this.items[this.head++] = undefined as T;
    if (this.head >= this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
