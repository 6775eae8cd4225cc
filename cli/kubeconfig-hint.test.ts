// A connection error names the kubeconfig when the CLI found it by itself (the server's data
// dir, ~/.kube/config): it may be another cluster's, or that of a server that is gone.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bufferIo } from "./io.js";
import { main } from "./main.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-cli-hint-"));
const kubeconfig = path.join(dir, "kubeconfig.yaml");
const saved = { KUBECONFIG: process.env.KUBECONFIG, EVERYNODE_DATA_DIR: process.env.EVERYNODE_DATA_DIR };
let port = 0;

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function getNodes(args: string[] = []): Promise<{ code: number; stderr: string }> {
  const io = bufferIo();
  const code = await main(["get", "nodes", ...args], io);
  return { code, stderr: io.stderr };
}

beforeAll(async () => {
  port = await closedPort();
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: t}}]\n`,
  );
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a connection error and the kubeconfig the CLI found by itself", () => {
  it("names the server's kubeconfig it found, and how to pick another", async () => {
    delete process.env.KUBECONFIG;
    process.env.EVERYNODE_DATA_DIR = dir;
    expect(await getNodes()).toEqual({
      code: 4,
      stderr:
        `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port? ` +
        `(using the kubeconfig ${kubeconfig}, found by itself; pass --kubeconfig or set KUBECONFIG)\n`,
    });
  });

  it("says only kubectl's words when the kubeconfig was given", async () => {
    const refused = `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?\n`;
    process.env.EVERYNODE_DATA_DIR = path.join(dir, "elsewhere");
    process.env.KUBECONFIG = kubeconfig;
    expect(await getNodes()).toEqual({ code: 4, stderr: refused });
    delete process.env.KUBECONFIG;
    expect(await getNodes(["--kubeconfig", kubeconfig])).toEqual({ code: 4, stderr: refused });
  });
});
