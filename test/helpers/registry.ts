// A real private image registry for the tests: Debian's docker-registry (the CNCF
// distribution registry) on loopback with htpasswd basic auth, which the Docker engine reaches
// over plain HTTP (127.0.0.0/8 is an insecure registry by default). Images go in with a
// `docker login` kept in a temp DOCKER_CONFIG, never the user's; `stop` removes everything.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { run, waitFor } from "./run.js";

export interface Registry {
  /** `127.0.0.1:<port>`, the registry part of its image references. */
  address: string;
  /** Copies local image `source` to `<address>/<repo>` and removes the local copy of it. */
  push(source: string, repo: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRegistry(user: string, password: string): Promise<Registry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-registry-"));
  const pushed: string[] = [];
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    for (const ref of pushed) await run("docker", ["rmi", "-f", ref]);
    if (child && child.exitCode === null) {
      child.kill("SIGKILL");
      await new Promise((r) => child!.once("exit", r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const hash = await run("htpasswd", ["-Bbn", user, password]);
    if (hash.code !== 0) throw new Error(`htpasswd failed: ${hash.stderr}`);
    writeFileSync(path.join(dir, "htpasswd"), hash.stdout);
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    writeFileSync(
      path.join(dir, "config.yml"),
      [
        "version: 0.1",
        "log: {level: warn}",
        `storage: {filesystem: {rootdirectory: ${path.join(dir, "data")}}}`,
        `http: {addr: "${address}"}`,
        `auth: {htpasswd: {realm: everynode-test, path: ${path.join(dir, "htpasswd")}}}`,
        "",
      ].join("\n"),
    );
    child = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: "ignore" });
    await waitFor(
      "the registry to answer",
      async () => {
        const r = await fetch(`http://${address}/v2/`).catch(() => undefined);
        return r?.status === 401;
      },
      20_000,
      100,
    );
    const env = { DOCKER_CONFIG: path.join(dir, "docker-config") };
    const login = await run("docker", ["login", "-u", user, "--password-stdin", address], {
      input: password,
      env,
    });
    if (login.code !== 0) throw new Error(`docker login failed: ${login.stderr}`);
    return {
      address,
      async push(source, repo) {
        const ref = `${address}/${repo}`;
        pushed.push(ref);
        for (const args of [
          ["tag", source, ref],
          ["push", ref],
          ["rmi", ref],
        ]) {
          const r = await run("docker", args, { env });
          if (r.code !== 0) throw new Error(`docker ${args.join(" ")} failed: ${r.stderr}`);
        }
        return ref;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
