// What makes this machine its node, on disk and readable by its owner only: the node
// credential (`<data-dir>/node-credential.json`), so that a restarted agent reconnects as the
// same node without its join token, and the node secret (`<data-dir>/node-secret`), made at
// the first registration and sent with every one, so that the server lets this machine, and
// no other join-token holder, register again as this node. A rejoin replaces the credential
// and keeps the secret; a reinstalled machine has neither.

import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { EverynodeError } from "../../shared/errors.js";

export const CREDENTIAL_FILE = "node-credential.json";
export const NODE_SECRET_FILE = "node-secret";
const NODE_SECRET_RE = /^[A-Za-z0-9_-]{32,256}$/;

/** What a joined agent keeps. */
export interface NodeCredential {
  server: string;
  /** The pinned CA certificate (PEM) the server's certificate must chain to. */
  caPem: string;
  nodeName: string;
  /** The node credential, `<id>.<secret>`. */
  token: string;
  /**
   * True when the registration that issued this credential sent the node secret. A
   * credential from an older agent lacks it: the server may hold no secret for the node yet,
   * so the agent registers once more to set it (see CredentialSource).
   */
  sentNodeSecret?: boolean;
}

export function credentialPath(dataDir: string): string {
  return path.join(dataDir, CREDENTIAL_FILE);
}

/** The stored credential, or undefined when the agent has not joined. */
export async function loadCredential(dataDir: string): Promise<NodeCredential | undefined> {
  let text: string;
  try {
    text = await fs.readFile(credentialPath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const c = JSON.parse(text) as Partial<NodeCredential>;
    if (
      typeof c.server === "string" &&
      typeof c.caPem === "string" &&
      typeof c.nodeName === "string" &&
      typeof c.token === "string"
    ) {
      return c as NodeCredential;
    }
  } catch {
    // fall through
  }
  throw new EverynodeError("BadToken", `${credentialPath(dataDir)} is damaged; delete it to join again`);
}

/** Writes a private file atomically (mode 0600, in a 0700 dir). */
async function writePrivate(dataDir: string, file: string, text: string): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}

/** Writes the credential atomically with mode 0600. */
export async function saveCredential(dataDir: string, c: NodeCredential): Promise<void> {
  await writePrivate(dataDir, credentialPath(dataDir), JSON.stringify(c, null, 2) + "\n");
}

export function nodeSecretPath(dataDir: string): string {
  return path.join(dataDir, NODE_SECRET_FILE);
}

/**
 * The node secret, made (32 random bytes, base64url) and stored with mode 0600 when there is
 * none yet. It is written before it is ever sent, so a server never holds a secret this
 * machine has lost.
 */
export async function ensureNodeSecret(
  dataDir: string,
  random: (bytes: number) => Buffer = randomBytes,
): Promise<string> {
  const file = nodeSecretPath(dataDir);
  let text: string | undefined;
  try {
    text = (await fs.readFile(file, "utf8")).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (text !== undefined) {
    if (NODE_SECRET_RE.test(text)) return text;
    throw new EverynodeError(
      "BadToken",
      `${file} is damaged; restore it, or delete it and have the admin delete this node (everynode delete node NAME) to join as a new machine`,
    );
  }
  const secret = random(32).toString("base64url");
  await writePrivate(dataDir, file, secret + "\n");
  return secret;
}

export async function deleteCredential(dataDir: string): Promise<void> {
  await fs.rm(credentialPath(dataDir), { force: true });
}
