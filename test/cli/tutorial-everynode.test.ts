// The user's tutorial with `everynode` in place of `kubectl`, against a real server and two
// agents on the real Docker daemon; then what everynode prints next to what kubectl prints,
// and the errors a user meets.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { startCluster, waitFor } from "../helpers/cluster.js";
import { runTutorial, writeTutorialManifest } from "../helpers/tutorial.js";

const TUTORIAL_CLUSTER = {
  serverNodeName: "master",
  serverNodeTaints: ["node-role.kubernetes.io/control-plane:NoSchedule"],
  agents: [{ name: "worker-1" }, { name: "worker-2" }],
};

/** Blanks the AGE-like cells (`5s`, `2m3s`) so two runs a second apart compare equal. */
const noAges = (s: string): string => s.replace(/(?<=\s)\d+[smhd](\d+[smhd])?(?=\s|$)/g, "AGE");

describe("the tutorial with everynode", () => {
  let cluster: Cluster;
  const workDir = mkdtempSync(path.join(os.tmpdir(), "everynode-cli-tutorial-"));
  const everynode = (args: string[], input?: string) =>
    cluster.everynode(args, input === undefined ? {} : { input });

  beforeAll(async () => {
    cluster = await startCluster(TUTORIAL_CLUSTER);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("every step works with everynode in place of kubectl", async () => {
    await runTutorial(cluster, (args) => everynode(args), workDir);
  }, 300_000);

  it("prints what kubectl prints for get, and describes the master's taint and the DaemonSet", async () => {
    const manifest = writeTutorialManifest(workDir, "basic");
    expect((await everynode(["apply", "-f", manifest])).stdout).toBe("daemonset.apps/nginx created\n");
    expect((await everynode(["apply", "-f", manifest])).stdout).toBe("daemonset.apps/nginx unchanged\n");
    const rollout = await everynode(["rollout", "status", "ds/nginx", "--timeout=90s"]);
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(rollout.stdout).toMatch(/daemon set "nginx" successfully rolled out\n$/);

    for (const args of [
      ["get", "nodes", "-o", "wide"],
      ["get", "ds", "-o", "wide"],
      ["get", "pods", "-A"],
      ["get", "all"],
    ]) {
      const [mine, theirs] = [await everynode(args), await cluster.kubectl(args)];
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(noAges(mine.stdout), args.join(" ")).toBe(noAges(theirs.stdout));
    }

    const master = await everynode(["describe", "node", "master"]);
    expect(master.stdout).toMatch(/^Name:\s+master\nRoles:\s+control-plane\n/);
    expect(master.stdout).toMatch(
      /\nTaints:\s+node-role\.kubernetes\.io\/control-plane:NoSchedule\nUnschedulable:\s+false\n/,
    );
    expect(master.stdout).toMatch(/\nNon-terminated Pods:\s+\(0 in total\)\n/);
    const ds = await everynode(["describe", "ds", "nginx"]);
    expect(ds.stdout).toMatch(/\nDesired Number of Nodes Scheduled: 2\n/);
    expect(ds.stdout).toMatch(/\nPods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed\n/);
    const podName = (await everynode(["get", "pods", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
    const pod = await everynode(["describe", "pod", podName]);
    expect(pod.stdout).toMatch(/\nControlled By:\s+DaemonSet\/nginx\n/);
    expect(pod.stdout).toMatch(/\n {4}State:\s+Running\n/);

    const names = await everynode([
      "get",
      "pods",
      "-o",
      "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
      "--no-headers",
    ]);
    expect(
      names.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(/\s+/)[1])
        .sort(),
    ).toEqual(["worker-1", "worker-2"]);

    const deleted = await everynode(["delete", "-f", manifest]);
    expect(deleted).toMatchObject({ code: 0, stdout: 'daemonset.apps "nginx" deleted\n' });
    await waitFor("the pods to go", async () => (await cluster.pods("default")).length === 0, 60_000);
  }, 300_000);

  it("taints, labels and cordons a node like kubectl", async () => {
    expect((await everynode(["taint", "nodes", "worker-2", "dedicated=gpu:NoSchedule"])).stdout).toBe(
      "node/worker-2 tainted\n",
    );
    const dup = await everynode(["taint", "nodes", "worker-2", "dedicated=cpu:NoSchedule"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe(
      "error: node worker-2 already has a taint(s) with same effect(s) and --overwrite is false\n",
    );
    expect((await everynode(["describe", "node", "worker-2"])).stdout).toMatch(
      /\nTaints:\s+dedicated=gpu:NoSchedule\n/,
    );
    expect((await everynode(["taint", "nodes", "worker-2", "dedicated:NoSchedule-"])).stdout).toBe(
      "node/worker-2 untainted\n",
    );
    expect((await everynode(["label", "nodes", "worker-2", "disk=ssd"])).stdout).toBe(
      "node/worker-2 labeled\n",
    );
    expect((await everynode(["get", "nodes", "-l", "disk=ssd", "-o", "name"])).stdout).toBe(
      "node/worker-2\n",
    );
    expect((await everynode(["cordon", "worker-2"])).stdout).toBe("node/worker-2 cordoned\n");
    expect((await everynode(["cordon", "worker-2"])).stdout).toBe("node/worker-2 already cordoned\n");
    expect((await everynode(["uncordon", "worker-2"])).stdout).toBe("node/worker-2 uncordoned\n");
  }, 120_000);

  it("reports errors with kubectl's words and everynode's exit codes", async () => {
    const missing = await everynode(["get", "ds", "nope"]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): daemonsets.apps "nope" not found\n',
    });

    const bad = path.join(workDir, "bad.yaml");
    writeFileSync(
      bad,
      "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: broken\nspec:\n  template:\n    spec:\n      containers: []\n",
    );
    const invalid = await everynode(["apply", "-f", bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^The DaemonSet "broken" is invalid: /);
    expect(invalid.stderr).toContain("spec.selector");

    const wrongToken = await everynode(["get", "nodes", "--token", "not-the-token"]);
    expect(wrongToken).toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/^error: You must be logged in to the server/),
    });

    const unreachable = await everynode(["get", "nodes", "--server", "https://127.0.0.1:1"]);
    expect(unreachable).toMatchObject({
      code: 4,
      stderr:
        "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n",
    });

    expect((await everynode(["frobnicate"])).code).toBe(2);
    const version = await everynode(["version"]);
    expect(version.stdout).toMatch(/^Client Version: v\d+\.\d+\.\d+\nServer Version: v1\.32\./);
  }, 120_000);
});
