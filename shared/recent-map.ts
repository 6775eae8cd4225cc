// A Map that remembers recently used keys within a fixed bound: memory of recent facts that
// must stay bounded however busy the fleet gets. Two generations of plain Maps: new and used
// keys go to the young one; when it is half the capacity full it becomes the old one and the
// previous old one is dropped whole. Every step is O(1): evicting one key at a time from a
// single Map's front would walk the holes V8 leaves behind deleted entries, which grows
// quadratic under steady churn.

export class RecentMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  /** Holds at most `capacity` entries, and always the `capacity / 2` most recently used. */
  constructor(capacity: number) {
    if (!(capacity >= 2)) throw new RangeError(`a RecentMap holds at least two entries, not ${capacity}`);
    this.half = Math.floor(capacity / 2);
  }

  /** The value, now among the most recently used. */
  get(key: K): V | undefined {
    // One lookup for a key present (values may be undefined only if V allows it).
    const young = this.young.get(key);
    if (young !== undefined || this.young.has(key)) return young;
    const old = this.old.get(key);
    if (old === undefined && !this.old.has(key)) return undefined;
    this.old.delete(key);
    this.keep(key, old as V);
    return old;
  }

  /** Sets the value, among the most recently used. */
  set(key: K, value: V): void {
    if (this.young.has(key)) {
      this.young.set(key, value);
      return;
    }
    this.old.delete(key);
    this.keep(key, value);
  }

  delete(key: K): boolean {
    const young = this.young.delete(key);
    return this.old.delete(key) || young;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Every entry, the older generation first; deleting while iterating is safe. */
  *entries(): IterableIterator<[K, V]> {
    yield* this.old;
    yield* this.young;
  }

  private keep(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size < this.half) return;
    this.old = this.young;
    this.young = new Map();
  }
}
