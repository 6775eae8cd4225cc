// The data dir's encryption-keys.json: the keys the store encrypts Secrets with. Made on
// first start (one random 256-bit key, mode 0600). Rotation: put a new key first in the
// list and restart; the server writes every Secret again with it, after which the old key
// may be removed (see the README).

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Clock } from "../shared/clock.js";
import type { KeyRing } from "./store/index.js";

export const ENCRYPTION_KEYS_FILE = "encryption-keys.json";

interface KeyFile {
  keys: { id: string; secret: string }[];
}

/** A new key's id: the date it was made, which sorts and tells an operator its age. */
function newKeyId(clock: Clock): string {
  const stamp = new Date(clock.now())
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "z");
  return `key-${stamp.toLowerCase()}`;
}

/** Reads the key file, making it (with one new key) when it does not exist. */
export function ensureEncryptionKeys(dataDir: string, clock: Clock): { ring: KeyRing; path: string } {
  const file = path.join(dataDir, ENCRYPTION_KEYS_FILE);
  if (!existsSync(file)) {
    const content: KeyFile = { keys: [{ id: newKeyId(clock), secret: randomBytes(32).toString("base64") }] };
    writeFileSync(file, JSON.stringify(content, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  }
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as KeyFile;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${String(e)})`);
  }
  if (!Array.isArray(parsed?.keys) || parsed.keys.length === 0)
    throw new Error(`${file}: "keys" must list at least one key`);
  const keys = parsed.keys.map((k, i) => {
    if (typeof k?.id !== "string" || typeof k?.secret !== "string")
      throw new Error(`${file}: keys[${i}] needs an "id" and a base64 "secret"`);
    return { id: k.id, secret: Buffer.from(k.secret, "base64") };
  });
  return { ring: { keys }, path: file };
}
