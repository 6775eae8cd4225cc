// Encryption at rest for the rows of Secrets, as Kubernetes' EncryptionConfiguration with an
// aesgcm provider does: AES-256-GCM, a fresh 96-bit nonce per write, and the key's id in the
// stored text so that keys can rotate. A copy of the database file alone (or its WAL) does
// not reveal a Secret; the keys live in the data dir's encryption-keys.json
// (control-plane/encryption-keys.ts), outside the database. Objects in memory stay plain.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { errors } from "../../shared/errors.js";

/** One key: its id (written into each ciphertext) and its 32 bytes. */
export interface EncryptionKey {
  id: string;
  secret: Buffer;
}

/** The keys a store reads with; the first one is the one it writes with. */
export interface KeyRing {
  keys: readonly EncryptionKey[];
}

/** The prefix of an encrypted row; JSON rows start with `{`. */
const PREFIX = "enc:aesgcm:v1:";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The kinds whose rows are encrypted. */
export const ENCRYPTED_RESOURCES: ReadonlySet<string> = new Set(["secrets"]);

export function isEncrypted(row: string): boolean {
  return row.startsWith(PREFIX);
}

/** The id of the key a row was written with, undefined for a plain row. */
export function keyIdOf(row: string): string | undefined {
  if (!isEncrypted(row)) return undefined;
  const rest = row.slice(PREFIX.length);
  return rest.slice(0, rest.indexOf(":"));
}

export function checkKeyRing(ring: KeyRing): void {
  if (ring.keys.length === 0) throw new Error("the encryption key ring is empty");
  for (const k of ring.keys) {
    if (k.secret.length !== 32) throw new Error(`encryption key ${k.id}: must be 32 bytes (AES-256)`);
    if (!/^[A-Za-z0-9._-]+$/.test(k.id))
      throw new Error(`encryption key id ${JSON.stringify(k.id)}: use [A-Za-z0-9._-]`);
  }
}

/** `enc:aesgcm:v1:<key id>:<base64 of nonce | ciphertext | tag>`, the key id authenticated too. */
export function encryptRow(ring: KeyRing, plain: string): string {
  const key = ring.keys[0];
  if (!key) throw errors.internal("no encryption key");
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.secret, nonce);
  cipher.setAAD(Buffer.from(key.id, "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const packed = Buffer.concat([nonce, body, cipher.getAuthTag()]);
  return `${PREFIX}${key.id}:${packed.toString("base64")}`;
}

/** The plain text of an encrypted row; throws when its key is gone or the row was altered. */
export function decryptRow(ring: KeyRing, row: string): string {
  const id = keyIdOf(row) ?? "";
  const key = ring.keys.find((k) => k.id === id);
  if (!key)
    throw new Error(`a Secret was encrypted with the key "${id}", which the key file no longer holds`);
  const packed = Buffer.from(row.slice(PREFIX.length + id.length + 1), "base64");
  const nonce = packed.subarray(0, NONCE_BYTES);
  const tag = packed.subarray(packed.length - TAG_BYTES);
  const body = packed.subarray(NONCE_BYTES, packed.length - TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key.secret, nonce);
  decipher.setAAD(Buffer.from(id, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
}

/** How rows of a resource are written and read. */
export interface RowCodec {
  encode(resource: string, json: string): string;
  decode(resource: string, row: string): string;
  /** True when the row should be written again: plain where it should be encrypted, or an older key. */
  stale(resource: string, row: string): boolean;
}

/** Rows as they are: a store without a key ring. */
export const PLAIN_ROWS: RowCodec = {
  encode: (_r, json) => json,
  decode: (_r, row) => row,
  stale: () => false,
};

/** Encrypts the rows of ENCRYPTED_RESOURCES with the ring's first key, reads with any of its keys. */
export function encryptingCodec(ring: KeyRing): RowCodec {
  checkKeyRing(ring);
  const primary = ring.keys[0]?.id;
  return {
    encode: (resource, json) => (ENCRYPTED_RESOURCES.has(resource) ? encryptRow(ring, json) : json),
    decode: (_resource, row) => (isEncrypted(row) ? decryptRow(ring, row) : row),
    stale: (resource, row) => ENCRYPTED_RESOURCES.has(resource) && keyIdOf(row) !== primary,
  };
}
