// Debian's official Python client (python3-kubernetes, installed by
// scripts/install-test-deps.sh) against a real `everynode server` over HTTPS, configured by
// the kubeconfig the server wrote: list, create, watch, patch, read status, delete.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, waitFor } from "../helpers/cluster.js";
import { ServerProcess } from "../helpers/server-process.js";

const run = promisify(execFile);
// Debian's interpreter, where python3-kubernetes lives (not whatever python3 is first on PATH).
const PYTHON = "/usr/bin/python3";
const SCRIPT = path.join(REPO_ROOT, "test/api/python-client.py");

let server: ServerProcess;
let home: string;
beforeAll(async () => {
  server = await ServerProcess.start();
  home = mkdtempSync(path.join(tmpdir(), "everynode-python-"));
}, 90_000);
afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("python3-kubernetes", () => {
  it("lists, creates, watches, patches, reads status and deletes", async () => {
    const { stdout } = await run(PYTHON, [SCRIPT, server.kubeconfig], {
      env: { HOME: home, PATH: "/usr/bin:/bin" },
      timeout: 120_000,
    }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the Python client failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    });
    const seen = JSON.parse(stdout) as Record<string, any>;
    expect(seen.nodes).toEqual([]);
    expect(seen.namespaces).toEqual(expect.arrayContaining(["default", "kube-system"]));
    expect(seen.created).toMatchObject({ name: "py-client", phase: "Active" });
    expect(seen.daemonset).toEqual({ generation: 1, strategy: "RollingUpdate" });
    // The replayed patch, then the live one made while the watch was open.
    expect(seen.events).toEqual([
      { type: "MODIFIED", step: "1" },
      { type: "MODIFIED", step: "2" },
    ]);
    expect(seen.status).toEqual({
      phase: "Active",
      labels: { "kubernetes.io/metadata.name": "py-client", "made-by": "python", step: "2" },
    });
    expect(seen.daemonsetStatus).toEqual({ desired: 0, ready: 0 });
    expect(seen.afterDelete).toBe(404);
    await waitFor(
      "the namespace to be gone",
      async () => (await server.send("GET", "/api/v1/namespaces/py-client")).status === 404,
    );
  }, 150_000);
});
