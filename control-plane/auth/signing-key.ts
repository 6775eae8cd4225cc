// The data dir's service-account-key: the HMAC key ServiceAccount tokens are signed with.
// Made on first start (32 random bytes, mode 0600), outside the database, so a copied
// database cannot mint tokens. Replacing the file and restarting revokes every token.

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const SIGNING_KEY_FILE = "service-account-key";

export function ensureSigningKey(dataDir: string): Buffer {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (!existsSync(file))
    writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (key.length < 32) throw new Error(`${file}: the key must be at least 32 bytes, base64 encoded`);
  return key;
}
