// The JSON text of stored objects, kept beside them: the store encodes each object once when
// it writes the row, and whoever sends the same (frozen, never mutated) object to many
// readers — an assignment set to its agent — reuses that text instead of encoding it again.
// Keyed by identity in a WeakMap, so the text goes when the object does.

const texts = new WeakMap<object, string>();
const sizes = new WeakMap<object, number>();

/** Remembers how long the stored object's JSON is (for every kind; the watch history counts bytes with it). */
export function rememberSize(object: object, bytes: number): void {
  sizes.set(object, bytes);
}

/** The length of the object's stored JSON, when the store wrote it in this process. */
export function storedSize(object: object): number | undefined {
  return sizes.get(object) ?? texts.get(object)?.length;
}

/** Remembers `text` as the JSON of the frozen `object` (the store calls it on each write). */
export function rememberJson(object: object, text: string): void {
  texts.set(object, text);
}

/** The JSON of a frozen stored object: the text the store wrote, or encoded once now. */
export function jsonOf(object: object): string {
  let text = texts.get(object);
  if (text === undefined) {
    text = JSON.stringify(object);
    if (Object.isFrozen(object)) texts.set(object, text);
  }
  return text;
}
