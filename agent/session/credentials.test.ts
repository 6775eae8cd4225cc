import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { ensureNodeSecret, nodeSecretPath, saveCredential } from "./credential-store.js";
import { CredentialSource } from "./credentials.js";

const stored = {
  server: "https://127.0.0.1:1111",
  caPem: "PEM",
  nodeName: "n1",
  token: "abcdef.0123456789abcdef",
};

// Every temp dir made here, removed after the file, also when a test fails.
const made: string[] = [];
const mkdtemp = async (prefix: string): Promise<string> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(made.map((d) => fs.rm(d, { recursive: true, force: true })));
});

async function source(server: string, joinToken?: string): Promise<CredentialSource> {
  const dataDir = await mkdtemp("everynode-cred-");
  await saveCredential(dataDir, stored);
  return new CredentialSource({
    server,
    dataDir,
    request: () => ({ nodeName: "n1", labels: {}, taints: [] }),
    clock: systemClock,
    logger: silentLogger,
    signal: new AbortController().signal,
    ...(joinToken ? { joinToken } : {}),
  });
}

describe("CredentialSource", () => {
  it("reuses the stored credential without joining", async () => {
    expect(await (await source("https://127.0.0.1:1111")).get()).toEqual(stored);
  });

  it("connects to the server address given now when the server moved", async () => {
    const c = await (await source("https://127.0.0.1:2222")).get();
    expect(c).toEqual({ ...stored, server: "https://127.0.0.1:2222" });
  });

  it("cannot re-register without a join token, and says so", async () => {
    await expect((await source("https://127.0.0.1:1111")).rejoin()).rejects.toMatchObject({
      code: "BadToken",
      message: expect.stringMatching(/no join token was given/),
    });
  });
});

describe("ensureNodeSecret", () => {
  const tmp = (): Promise<string> => mkdtemp("everynode-secret-");

  it("makes 32 random bytes (base64url), stores them 0600 and gives the same secret ever after", async () => {
    const dir = await tmp();
    const secret = await ensureNodeSecret(dir, (n) => Buffer.alloc(n, 7));
    expect(secret).toBe(Buffer.alloc(32, 7).toString("base64url"));
    expect((await fs.stat(nodeSecretPath(dir))).mode & 0o777).toBe(0o600);
    expect(await ensureNodeSecret(dir, () => Buffer.alloc(32, 9))).toBe(secret);
  });

  it("refuses a damaged secret file rather than replacing the machine's identity", async () => {
    const dir = await tmp();
    await fs.writeFile(nodeSecretPath(dir), "short\n");
    await expect(ensureNodeSecret(dir)).rejects.toMatchObject({
      code: "BadToken",
      message: expect.stringMatching(/node-secret is damaged/),
    });
    expect(await fs.readFile(nodeSecretPath(dir), "utf8")).toBe("short\n");
  });
});
