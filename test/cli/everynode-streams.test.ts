// everynode's own exec, port-forward and cp against a real server, agent and dockerd, over
// the same public WebSocket protocols kubectl uses: exit codes, stdin, a terminal, an HTTP
// request through a forwarded port, and a directory copied in and out, compared.

import { spawn } from "node:child_process";
import http from "node:http";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { EVERYNODE_BIN, run, startCluster } from "../helpers/cluster.js";
import { ok, writeManifest } from "../e2e/kubectl-fixtures.js";

/** Every file under `dir`, relative, with its contents. */
function tree(dir: string, at = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, at)).sort()) {
    const rel = path.join(at, name);
    if (statSync(path.join(dir, rel)).isDirectory()) Object.assign(out, tree(dir, rel));
    else out[rel] = readFileSync(path.join(dir, rel), "utf8");
  }
  return out;
}

describe("everynode exec, port-forward and cp", () => {
  let cluster: Cluster;
  let pod = "";
  let dir = "";
  const everynode = (args: string[], input?: string) =>
    run(process.execPath, [EVERYNODE_BIN, ...args], {
      env: { KUBECONFIG: cluster.kubeconfig },
      cwd: dir,
      timeoutMs: 60_000,
      ...(input !== undefined ? { input } : {}),
    });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "everynode-cli-streams-"));
    cluster = await startCluster({ serverNodeName: "cli-streams" });
    ok(await everynode(["apply", "-f", writeManifest(dir, "web.yaml", { name: "cliweb" })]));
    ok(await everynode(["rollout", "status", "ds/cliweb", "--timeout=90s"]));
    pod =
      (await cluster.pods("default")).find((p) => p.metadata.labels?.app === "cliweb")?.metadata.name ?? "";
  }, 180_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exec gives the command's output, and its exit code as everynode's", async () => {
    const r = await everynode(["exec", pod, "--", "sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("out\n");
    expect(r.stderr).toContain("err\n");
    expect(r.stderr).toContain("command terminated with exit code 3");
    const fine = await everynode(["exec", "ds/cliweb", "-c", "web", "--", "true"]);
    expect(fine.code, fine.stderr).toBe(0);
  });

  it("exec -i passes stdin to the command, to its end", async () => {
    const r = await everynode(["exec", "-i", `pod/${pod}`, "--", "wc", "-l"], "one\ntwo\nthree\n");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("3");
  });

  it("exec -it runs the command on a terminal", async () => {
    const r = await run(
      "script",
      ["-qec", `${process.execPath} ${EVERYNODE_BIN} exec -it ${pod} -- sh -c 'tty && exit 4'`, "/dev/null"],
      { env: { KUBECONFIG: cluster.kubeconfig }, timeoutMs: 60_000 },
    );
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.code).toBe(4);
  });

  it("exec into a missing pod says so", async () => {
    const r = await everynode(["exec", "nope", "--", "true"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('pods "nope" not found');
  });

  it.each([
    [[":80"], /Forwarding from 127\.0\.0\.1:(\d+) -> 80/],
    [["--address", "127.0.0.1", "0:80"], /Forwarding from 127\.0\.0\.1:(\d+) -> 80/],
  ])("port-forward %j carries HTTP requests to the pod", async (args, forwarding) => {
    const child = spawn(process.execPath, [EVERYNODE_BIN, "port-forward", `pod/${pod}`, ...args], {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfig },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const m = forwarding.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.stderr.on("data", (c: Buffer) => (out += c.toString()));
        child.on("exit", () => reject(new Error(`port-forward exited: ${out}`)));
      });
      for (let i = 0; i < 2; i++) {
        const body = await new Promise<string>((resolve, reject) => {
          http
            .get({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
              let text = "";
              res.on("data", (c: Buffer) => (text += c.toString()));
              res.on("end", () => resolve(text));
            })
            .on("error", reject);
        });
        expect(body).toContain("Welcome to everynode");
      }
      expect(out).toContain(`Handling connection for ${port}`);
    } finally {
      child.kill("SIGINT");
    }
    const code = await new Promise<number | null>((r) =>
      child.exitCode !== null ? r(child.exitCode) : child.on("exit", (c) => r(c)),
    );
    expect(code).toBe(0);
  });

  it("cp copies a directory in and out, contents equal", async () => {
    const src = path.join(dir, "src");
    const deep = path.join(src, "sub", "n".repeat(120));
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(src, "a.txt"), "alpha\n");
    writeFileSync(path.join(src, "sub", "b.bin"), Buffer.alloc(3 * 1024 * 1024, 7));
    writeFileSync(path.join(deep, "c.txt"), "gamma\n".repeat(10_000));
    const r = await everynode(["cp", "src", `${pod}:/tmp/in`]);
    expect(r.code, r.stderr).toBe(0);
    const listed = await everynode(["exec", pod, "--", "find", "/tmp/in", "-type", "f"]);
    expect(listed.stdout.split("\n").filter(Boolean).sort()).toEqual(
      ["/tmp/in/a.txt", "/tmp/in/sub/b.bin", `/tmp/in/sub/${"n".repeat(120)}/c.txt`].sort(),
    );
    const back = await everynode(["cp", `default/${pod}:/tmp/in`, "back"]);
    expect(back.code, back.stderr).toBe(0);
    expect(tree(path.join(dir, "back"))).toEqual(tree(src));
    // Into an existing directory, a file keeps its name, both ways.
    expect((await everynode(["cp", "src/a.txt", `${pod}:/tmp`])).code).toBe(0);
    expect((await everynode(["exec", pod, "--", "cat", "/tmp/a.txt"])).stdout).toBe("alpha\n");
    mkdirSync(path.join(dir, "one"));
    expect((await everynode(["cp", `${pod}:/tmp/a.txt`, "one"])).code).toBe(0);
    expect(readFileSync(path.join(dir, "one", "a.txt"), "utf8")).toBe("alpha\n");
  });

  it("cp of a missing file says so", async () => {
    const r = await everynode(["cp", `${pod}:/tmp/nothing-here`, "x"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/No such file|not found/i);
    const local = await everynode(["cp", "nothing-here", `${pod}:/tmp/x`]);
    expect(local.code).not.toBe(0);
    expect(local.stderr).toContain("no such file or directory");
  });
});
