// The node credential on disk: `<data-dir>/node-credential.json`, readable by its owner
// only, so that a restarted agent reconnects as the same node without its join token.

import { promises as fs } from "node:fs";
import path from "node:path";
import { EverynodeError } from "../../shared/errors.js";

export const CREDENTIAL_FILE = "node-credential.json";

/** What a joined agent keeps. */
export interface NodeCredential {
  server: string;
  /** The pinned CA certificate (PEM) the server's certificate must chain to. */
  caPem: string;
  nodeName: string;
  /** The node credential, `<id>.<secret>`. */
  token: string;
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

/** Writes the credential atomically with mode 0600. */
export async function saveCredential(dataDir: string, c: NodeCredential): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = credentialPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(c, null, 2) + "\n", { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}

export async function deleteCredential(dataDir: string): Promise<void> {
  await fs.rm(credentialPath(dataDir), { force: true });
}
