// The JSON text of stored objects, kept beside them: the store encodes each object once when
// it writes the row, and whoever sends the same (frozen, never mutated) object to many
// readers — an assignment set to its agent — reuses that text instead of encoding it again.
// Kept on the object itself, under a symbol that neither JSON nor a copy sees, set before
// the store freezes it: a WeakMap of every stored object cost hundreds of milliseconds
// whenever V8 grew its table during a 10,000-pod write.

const STORED = Symbol("everynode.storedJson");

interface WithStored {
  [STORED]?: string | number;
}

/** Objects frozen without their text (read back from the database): encoded once, on first use. */
const encodedLater = new WeakMap<object, string>();

function keep(object: object, value: string | number): void {
  if (Object.isExtensible(object)) Object.defineProperty(object, STORED, { value });
}

/** Remembers how long the object's stored JSON is (for every kind; the watch history counts bytes with it). Before it is frozen. */
export function rememberSize(object: object, bytes: number): void {
  keep(object, bytes);
}

/** Remembers `text` as the JSON of `object`, which the store is about to freeze. */
export function rememberJson(object: object, text: string): void {
  keep(object, text);
}

/** The length of the object's stored JSON, when the store wrote it in this process. */
export function storedSize(object: object): number | undefined {
  const v = (object as WithStored)[STORED];
  return typeof v === "number" ? v : (v?.length ?? encodedLater.get(object)?.length);
}

/** The JSON of a frozen stored object: the text the store wrote, or encoded once now. */
export function jsonOf(object: object): string {
  const v = (object as WithStored)[STORED];
  if (typeof v === "string") return v;
  let text = encodedLater.get(object);
  if (text === undefined) {
    text = JSON.stringify(object);
    if (Object.isFrozen(object)) encodedLater.set(object, text);
  }
  return text;
}
