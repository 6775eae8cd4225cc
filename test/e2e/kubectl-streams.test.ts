// kubectl exec, attach-style stdin, a terminal and cp against a real server, agent and
// dockerd, with every kubectl that speaks the WebSocket stream protocols (1.30-1.33); an
// older kubectl is told which version it needs, and a node's credential may not exec.

import { spawn } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { kubectlPath, run, startCluster } from "../helpers/cluster.js";
import { ok, writeManifest } from "./kubectl-fixtures.js";

const VERSIONS = ["1.30", "1.31", "1.32", "1.33"];

describe("kubectl exec and cp", () => {
  let cluster: Cluster;
  let pod = "";
  let dir = "";
  const kubectl = (args: string[], version?: string, input?: string) =>
    run(kubectlPath(version), args, {
      env: { KUBECONFIG: cluster.kubeconfig },
      cwd: dir,
      timeoutMs: 60_000,
      ...(input !== undefined ? { input } : {}),
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "everynode-streams-"));
    cluster = await startCluster({ serverNodeName: "streams-node" });
    ok(await kubectl(["apply", "-f", writeManifest(dir, "web.yaml", { name: "streamweb" })]));
    ok(await kubectl(["rollout", "status", "ds/streamweb", "--timeout=90s"]));
    const pods = await cluster.pods("default");
    pod = pods.find((p) => p.metadata.labels?.app === "streamweb")?.metadata.name ?? "";
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(VERSIONS)("exec gives the command's output and exit code (kubectl %s)", async (version) => {
    const r = await kubectl(["exec", pod, "--", "sh", "-c", "echo out; echo err >&2; exit 3"], version);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("out\n");
    expect(r.stderr).toContain("err\n");
    expect(r.stderr).toContain("command terminated with exit code 3");
    const fine = await kubectl(["exec", pod, "-c", "web", "--", "true"], version);
    expect(fine.code).toBe(0);
  });

  it.each(VERSIONS)("exec -i passes stdin to the command (kubectl %s)", async (version) => {
    const r = await kubectl(["exec", "-i", pod, "--", "wc", "-l"], version, "one\ntwo\nthree\n");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("3");
  });

  it("exec -it runs the command on a terminal", async () => {
    const r = await run(
      "script",
      ["-qec", `${kubectlPath()} exec -it ${pod} -- sh -c 'tty && exit 4'`, "/dev/null"],
      {
        env: { KUBECONFIG: cluster.kubeconfig },
        timeoutMs: 60_000,
      },
    );
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.code).toBe(4);
  });

  it.each(["1.30", "1.33"])("cp copies a directory both ways (kubectl %s)", async (version) => {
    const src = path.join(dir, `src-${version}`);
    mkdirSync(path.join(src, "sub"), { recursive: true });
    writeFileSync(path.join(src, "a.txt"), "alpha\n");
    writeFileSync(path.join(src, "sub", "b.txt"), "beta\n".repeat(50_000));
    ok(await kubectl(["cp", `src-${version}`, `${pod}:/tmp/in-${version}`], version));
    const listed = ok(
      await kubectl(["exec", pod, "--", "find", `/tmp/in-${version}`, "-type", "f"], version),
    );
    expect(listed.split("\n").filter(Boolean).sort()).toEqual([
      `/tmp/in-${version}/a.txt`,
      `/tmp/in-${version}/sub/b.txt`,
    ]);
    ok(await kubectl(["cp", `${pod}:/tmp/in-${version}`, `back-${version}`], version));
    expect(readFileSync(path.join(dir, `back-${version}`, "a.txt"), "utf8")).toBe("alpha\n");
    expect(readFileSync(path.join(dir, `back-${version}`, "sub", "b.txt"), "utf8")).toBe(
      "beta\n".repeat(50_000),
    );
  });

  it.each(["1.31", "1.32", "1.33"])(
    "port-forward carries an HTTP request to the pod (kubectl %s)",
    async (version) => {
      const child = spawn(kubectlPath(version), ["port-forward", `pod/${pod}`, ":80"], {
        env: { ...process.env, KUBECONFIG: cluster.kubeconfig },
        stdio: ["ignore", "pipe", "pipe"],
      });
      try {
        const port = await new Promise<number>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (c: Buffer) => {
            out += c.toString();
            const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
            if (m) resolve(Number(m[1]));
          });
          child.on("exit", () => reject(new Error(`port-forward exited: ${out}`)));
        });
        for (let i = 0; i < 2; i++) {
          const body = await new Promise<string>((resolve, reject) => {
            http
              .get({ host: "127.0.0.1", port, path: "/" }, (res) => {
                let text = "";
                res.on("data", (c: Buffer) => (text += c.toString()));
                res.on("end", () => resolve(text));
              })
              .on("error", reject);
          });
          expect(body).toContain("Welcome to everynode");
        }
      } finally {
        child.kill();
      }
    },
  );

  it("port-forward with kubectl 1.30 (SPDY only) is told the version it needs", async () => {
    const r = await kubectl(["port-forward", `pod/${pod}`, ":80"], "1.30");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("needs kubectl 1.31 or newer");
  });

  it("kubectl 1.27 (SPDY only) is told the version it needs", async () => {
    const r = await kubectl(["exec", pod, "--", "true"], "1.27");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("needs kubectl 1.30 or newer");
  });

  it("a node's credential cannot exec", async () => {
    const credential = JSON.parse(
      readFileSync(path.join(cluster.serverDataDir, "agent", "node-credential.json"), "utf8"),
    ) as { token: string };
    const r = await kubectl(["--token", credential.token, "exec", pod, "--", "true"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Forbidden|forbidden/);
    expect(r.stderr).toContain('cannot create resource "pods/exec"');
  });
});
