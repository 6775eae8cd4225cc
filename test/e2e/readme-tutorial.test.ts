// The README's tutorial as a new user meets it: its shell block pasted as is into a fresh
// shell (bash, in an empty directory that has only the checkout's bin/), then the tutorial's
// steps with the default kubectl against the cluster that block started. Every process the
// block started and every container its nodes ran is gone afterwards.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, REPO_ROOT, StopWaiting, waitFor } from "../helpers/cluster.js";
import { runTutorial } from "../helpers/tutorial.js";

const NODES = ["master", "worker-1", "worker-2"];
const README_PORT = "6444";

/** The first ```sh block after `heading` in the README. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error(`no sh block under "${heading}" in README.md`);
  return m[1];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

const exited = (c: ChildProcess): boolean => c.exitCode !== null || c.signalCode !== null;

/** Whether any process of the group `pgid` is left. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the README's tutorial, pasted into a fresh shell", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-readme-"));
  const client = new ClusterClient(dir);
  client.addNodeNames(...NODES);
  let shell: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    const block = readmeBlock("## The tutorial, on everynode");
    // The README's own port, so that it runs next to the quick start's server; here a free
    // one in its place, so that the test runs next to anything else on this machine.
    expect(block).toContain(`--listen 127.0.0.1:${README_PORT} `);
    expect(block).toContain(`--server https://127.0.0.1:${README_PORT} `);
    const port = String(await freePort());
    const pasted = block.replaceAll(`127.0.0.1:${README_PORT}`, `127.0.0.1:${port}`);

    symlinkSync(path.join(REPO_ROOT, "bin"), path.join(dir, "bin"));
    // The pods' log layout goes to the test's folder, never the machine's /var/log.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EVERYNODE_LOG_LEVEL: "info",
      EVERYNODE_POD_LOG_DIR: path.join(dir, "pod-logs"),
    };
    delete env.KUBECONFIG;
    // A shell of its own process group: stopping the group stops everything the block started.
    shell = spawn("bash", ["--noprofile", "--norc", "-c", `${pasted}\necho "KUBECONFIG=$KUBECONFIG"\nwait`], {
      cwd: dir,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    shell.stdout?.on("data", collect);
    shell.stderr?.on("data", collect);

    const kubeconfig = await waitFor(
      "the block's export KUBECONFIG",
      () => {
        if (shell && exited(shell)) throw new StopWaiting(`the pasted block ended:\n${output}`);
        return /^KUBECONFIG=(.+)$/m.exec(output)?.[1];
      },
      60_000,
    );
    expect(kubeconfig).toBe(path.join(dir, "tutorial/master/kubeconfig.yaml"));
    client.loadKubeconfig(kubeconfig);
    expect(client.server).toBe(`https://127.0.0.1:${port}`);
  }, 120_000);

  afterAll(async () => {
    try {
      // The tutorial deletes its DaemonSet; should it have failed half-way, delete it here so
      // that the agents remove their containers before they stop.
      if (client.adminToken)
        await client.api("DELETE", "/apis/apps/v1/namespaces/default/daemonsets/nginx").catch(() => {});
      await waitFor(
        "the containers to go",
        async () => (await client.containers()).length === 0,
        30_000,
      ).catch(() => {});
      const group = shell?.pid;
      if (group !== undefined && groupAlive(group)) {
        process.kill(-group, "SIGTERM");
        await waitFor("the pasted block's processes to stop", () => !groupAlive(group), 20_000).catch(() =>
          groupAlive(group) ? process.kill(-group, "SIGKILL") : undefined,
        );
      }
    } finally {
      await client.removeContainers();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("starts the master and two workers, all Ready, with no error on the way", async () => {
    await client.waitForNodesReady(NODES, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- what the pasted block printed ---\n${output.slice(-6000)}`);
    });
    const nodes = await client.nodes();
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(NODES);
    expect(output).not.toMatch(/ ERROR /);
    expect(output).not.toMatch(/not joined yet/);
    // The server's next steps name the kubeconfig the block exports.
    expect(output).toContain(`export KUBECONFIG=${path.join(dir, "tutorial/master/kubeconfig.yaml")}\n`);
  }, 120_000);

  it("then every step of the tutorial works with kubectl", async () => {
    await runTutorial(client, (args) => client.kubectl(args), dir);
  }, 300_000);
});
