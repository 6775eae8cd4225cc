// Agents on the real Docker daemon, as a user sees them: one container per node, nodes that
// join, leave and crash, a crashing container and a missing image, logs, and what a node's
// own credential may do.

import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { run, startCluster, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";

const daemonSet = webDaemonSet;

describe("agents on a real Docker daemon", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({
      serverNodeName: "cp",
      agents: [{ name: "agent-a" }, { name: "agent-b", labels: ["disk=ssd"] }],
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function runningContainers(app: string): Promise<Map<string, string>> {
    const byNode = new Map<string, string>();
    const r = await run("docker", [
      "ps",
      "--filter",
      `label=io.everynode.daemonset=${app}`,
      "--format",
      '{{.ID}} {{.Label "io.everynode.node"}}',
    ]);
    for (const line of r.stdout.split("\n").filter(Boolean)) {
      const [id = "", node = ""] = line.split(" ");
      if (byNode.has(node)) throw new Error(`two containers of ${app} on ${node}`);
      byNode.set(node, id);
    }
    return byNode;
  }

  async function podOn(app: string, node: string): Promise<any> {
    return (await cluster.pods("default")).find(
      (p) => p.metadata.labels?.app === app && p.spec.nodeName === node,
    );
  }

  it("runs one container per node, for a node that joins too, and removes a deleted node's", async () => {
    expect(
      (await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", daemonSet("web", {}))).status,
    ).toBe(201);
    await waitFor(
      "a web container on each of the 3 nodes",
      async () => (await runningContainers("web")).size === 3,
      60_000,
    );
    const first = await runningContainers("web");
    expect([...first.keys()].sort()).toEqual(["agent-a", "agent-b", "cp"]);

    cluster.startAgent({ name: "agent-c" });
    await cluster.waitForNodesReady(["agent-c"]);
    await waitFor("agent-c's container", async () => (await runningContainers("web")).has("agent-c"), 60_000);
    await waitFor(
      "agent-c's pod Running",
      async () => (await podOn("web", "agent-c"))?.status?.phase === "Running",
      30_000,
    );

    const oldId = (await runningContainers("web")).get("agent-c");
    expect((await cluster.api("DELETE", "/api/v1/nodes/agent-c")).status).toBe(200);
    await waitFor(
      "agent-c's old container to be removed",
      async () => {
        const r = await run("docker", ["ps", "-a", "-q", "--no-trunc", "--filter", `id=${oldId}`]);
        return r.stdout.trim() === "";
      },
      60_000,
    );
    // Like a kubelet, the agent registers its node again, and the node gets a fresh pod.
    await cluster.waitForNodesReady(["agent-c"], 60_000);
    await waitFor(
      "a new container on agent-c",
      async () => {
        const id = (await runningContainers("web")).get("agent-c");
        return id !== undefined && id !== oldId;
      },
      60_000,
    );
  });

  it("adopts running containers after kill -9 of an agent or of the server", async () => {
    const before = await runningContainers("web");
    await cluster.restartAgent({ name: "agent-a" });
    await cluster.restartServer();
    await cluster.waitForNodesReady(["cp", "agent-a", "agent-b", "agent-c"]);
    // Give the restarted parts time to reconcile, then nothing must have changed.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await runningContainers("web")).toEqual(before);
    const pods = (await cluster.pods("default")).filter((p) => p.metadata.labels?.app === "web");
    expect(pods).toHaveLength(4);
    for (const p of pods) {
      const shortId = before.get(p.spec.nodeName);
      expect(p.status?.containerStatuses?.[0]?.containerID).toMatch(new RegExp(`^docker://${shortId}`));
    }
  });

  it("restarts a killed container itself and counts the restarts", async () => {
    const id = (await runningContainers("web")).get("agent-b");
    expect(id).toBeDefined();
    await run("docker", ["kill", id as string]);
    await waitFor(
      "restartCount 1 on agent-b's pod",
      async () => {
        const s = (await podOn("web", "agent-b"))?.status?.containerStatuses?.[0];
        return s?.restartCount >= 1 && s.state?.running ? s : undefined;
      },
      60_000,
    );
    const pod = await podOn("web", "agent-b");
    expect(pod.status.containerStatuses[0].lastState.terminated).toBeDefined();
  });

  it("shows CrashLoopBackOff for a container that keeps exiting", async () => {
    const ds = daemonSet(
      "crasher",
      { command: ["sh", "-c", "echo crashing; exit 3"] },
      { nodeSelector: { disk: "ssd" } },
    );
    expect((await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)).status).toBe(201);
    const status = await waitFor(
      "CrashLoopBackOff",
      async () => {
        const s = (await podOn("crasher", "agent-b"))?.status?.containerStatuses?.[0];
        return s?.state?.waiting?.reason === "CrashLoopBackOff" ? s : undefined;
      },
      60_000,
    );
    expect(status.restartCount).toBeGreaterThanOrEqual(1);
    expect(status.lastState.terminated.exitCode).toBe(3);
    const pods = (await cluster.pods("default")).filter((p) => p.metadata.labels?.app === "crasher");
    expect(pods.map((p) => p.spec.nodeName)).toEqual(["agent-b"]);
    await cluster.api("DELETE", "/apis/apps/v1/namespaces/default/daemonsets/crasher");
  });

  it("reports ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled", async () => {
    const ds = daemonSet(
      "missing",
      { image: "everynode/does-not-exist:1.0" },
      { nodeSelector: { disk: "ssd" } },
    );
    expect((await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)).status).toBe(201);
    const seen = new Set<string>();
    await waitFor(
      "ErrImagePull and ImagePullBackOff",
      async () => {
        const reason = (await podOn("missing", "agent-b"))?.status?.containerStatuses?.[0]?.state?.waiting
          ?.reason;
        if (reason) seen.add(reason);
        return seen.has("ImagePullBackOff") || (seen.has("ErrImagePull") && seen.size > 1);
      },
      90_000,
      100,
    );
    expect([...seen].some((r) => r === "ErrImagePull" || r === "ImagePullBackOff")).toBe(true);
    expect((await podOn("missing", "agent-b")).status.phase).toBe("Pending");
    await cluster.api("DELETE", "/apis/apps/v1/namespaces/default/daemonsets/missing");
  });

  it("streams a pod's logs through its agent", async () => {
    const ds = daemonSet(
      "talker",
      { command: ["sh", "-c", "for i in 1 2 3; do echo line-$i; done; sleep 3600"] },
      { nodeSelector: { disk: "ssd" } },
    );
    expect((await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)).status).toBe(201);
    const pod = await waitFor(
      "talker running",
      async () => {
        const p = await podOn("talker", "agent-b");
        return p?.status?.phase === "Running" ? p : undefined;
      },
      60_000,
    );
    const logs = await waitFor(
      "the log lines",
      async () => {
        const r = await cluster.api(
          "GET",
          `/api/v1/namespaces/default/pods/${pod.metadata.name}/log?tailLines=2`,
        );
        return r.status === 200 && r.text.includes("line-3") ? r.text : undefined;
      },
      30_000,
    );
    expect(logs).toBe("line-2\nline-3\n");
    const viaKubectl = await cluster.kubectl(["logs", pod.metadata.name]);
    expect(viaKubectl.stdout).toBe("line-1\nline-2\nline-3\n");
    await cluster.api("DELETE", "/apis/apps/v1/namespaces/default/daemonsets/talker");
  });

  it("shows each node's lease in describe node, with kubectl and with everynode", async () => {
    for (const run of [cluster.kubectl.bind(cluster), cluster.everynode.bind(cluster)]) {
      const out = (await run(["describe", "node", "agent-a"])).stdout;
      expect(out).toMatch(
        /Lease:\n\s+HolderIdentity:\s+agent-a\n\s+AcquireTime:\s+<unset>\n\s+RenewTime:\s+\w{3}, \d{2} \w{3} \d{4}/,
      );
    }
  });

  it("lets a node credential touch only its own node and pods", async () => {
    const cred = JSON.parse(
      readFileSync(path.join(cluster.dataDir, "agents/agent-a/node-credential.json"), "utf8"),
    ) as { token: string };
    const own = await podOn("web", "agent-a");
    const other = await podOn("web", "agent-b");
    const get = (p: string) => cluster.api("GET", p, undefined, cred.token);
    expect((await get(`/api/v1/nodes/agent-a`)).status).toBe(200);
    expect((await get(`/api/v1/namespaces/default/pods/${own.metadata.name}`)).status).toBe(200);
    const forbidden = await get(`/api/v1/namespaces/default/pods/${other.metadata.name}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ kind: "Status", reason: "Forbidden" });
    const patch = { status: { phase: "Failed" } };
    const write = await cluster.api(
      "PATCH",
      `/api/v1/namespaces/default/pods/${other.metadata.name}/status`,
      patch,
      cred.token,
      "application/merge-patch+json",
    );
    expect(write.status).toBe(403);
    const nodeWrite = await cluster.api(
      "PATCH",
      "/api/v1/nodes/agent-b/status",
      { status: {} },
      cred.token,
      "application/merge-patch+json",
    );
    expect(nodeWrite.status).toBe(403);
    expect((await get("/apis/apps/v1/daemonsets")).status).toBe(403);
    expect((await podOn("web", "agent-b")).status.phase).toBe("Running");
  });
});
