// The user's tutorial, word for word, with the real kubectl (1.27 to 1.33; the default
// dispatcher runs it in readme-tutorial.test.ts, on the cluster the README's block starts)
// against a server and two agents on the real Docker daemon.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { startCluster } from "../helpers/cluster.js";
import { runTutorial, writeTutorialManifest } from "../helpers/tutorial.js";

const TUTORIAL_CLUSTER = {
  serverNodeName: "master",
  serverNodeTaints: ["node-role.kubernetes.io/control-plane:NoSchedule"],
  agents: [{ name: "worker-1" }, { name: "worker-2" }],
};

describe("the tutorial with the real kubectl", () => {
  let cluster: Cluster;
  const workDir = mkdtempSync(path.join(os.tmpdir(), "everynode-tutorial-"));

  beforeAll(async () => {
    cluster = await startCluster(TUTORIAL_CLUSTER);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each(["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"])(
    "every step works with kubectl %s",
    async (version) => {
      await runTutorial(cluster, (args) => cluster.kubectl(args, { version }), workDir);
    },
    300_000,
  );

  it("the core flow works with Debian's kubectl 1.20", async () => {
    const kubectl = (args: string[]) => cluster.kubectl(args, { version: "1.20" });
    const manifest = writeTutorialManifest(workDir, "basic");
    const created = await kubectl(["apply", "-f", manifest]);
    expect(created.stderr).toBe("");
    expect(created.stdout).toContain("daemonset.apps/nginx created");
    const nodes = await kubectl(["get", "nodes"]);
    expect(nodes.stdout.match(/\sReady\s/g)).toHaveLength(3);
    const rollout = await kubectl(["rollout", "status", "ds/nginx", "--timeout=90s"]);
    expect(rollout.stdout).toContain('daemon set "nginx" successfully rolled out');
    const pods = await kubectl(["get", "pods", "-o", "wide"]);
    expect(pods.stdout.match(/nginx-\w+\s+1\/1\s+Running/g)).toHaveLength(2);
    expect(pods.stdout).not.toMatch(/\smaster\s/);
    const deleted = await kubectl(["delete", "-f", manifest]);
    expect(deleted.stdout).toContain('daemonset.apps "nginx" deleted');
  }, 300_000);
});
