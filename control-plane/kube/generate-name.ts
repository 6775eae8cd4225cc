// `metadata.generateName`: the prefix plus five random characters, as Kubernetes' name
// generator makes them. The prefix is cut so that the name fits 63 characters; randomness
// is passed in (crypto-backed for the API, seeded in tests).

/** The alphabet Kubernetes draws generated name suffixes from (no vowels, no look-alikes). */
export const NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_LENGTH = 63;

/** `base` (cut to leave room) and a 5-character suffix; `random()` returns [0, 1). */
export function generateName(base: string, random: () => number): string {
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) {
    const at = Math.min(NAME_SUFFIX_ALPHABET.length - 1, Math.floor(random() * NAME_SUFFIX_ALPHABET.length));
    suffix += NAME_SUFFIX_ALPHABET[at];
  }
  return base.slice(0, MAX_GENERATED_NAME_LENGTH - SUFFIX_LENGTH) + suffix;
}
