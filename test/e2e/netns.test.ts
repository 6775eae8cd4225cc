// Agents on separate hosts: the control plane and two agents each in their own network
// namespace, joined by a bridge, as on three machines. A host whose link is cut turns
// Unknown with the unreachable taints and keeps its container; back on the network it turns
// Ready again with the very same container.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYNODE_BIN, NODE_LABEL_KEY, run, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { HostNetwork, requireIp } from "../helpers/netns.js";

const HOSTS = { "host-a": "a", "host-b": "b" } as const;
type HostName = keyof typeof HOSTS;

const DS = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "web", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "main", image: TEST_IMAGE }] },
    },
  },
};

/** Running containers of a node, by the node label the agent puts on them. */
async function containersOf(node: HostName): Promise<string[]> {
  const r = await run("docker", ["ps", "-q", "--no-trunc", "--filter", `label=${NODE_LABEL_KEY}=${node}`]);
  return r.stdout.split("\n").filter(Boolean);
}

async function removeContainers(): Promise<void> {
  for (const node of Object.keys(HOSTS)) {
    const r = await run("docker", ["ps", "-aq", "--filter", `label=${NODE_LABEL_KEY}=${node}`]);
    const ids = r.stdout.split("\n").filter(Boolean);
    if (ids.length) await run("docker", ["rm", "-f", ...ids]);
  }
}

function readyOf(node: any): string | undefined {
  return node?.status?.conditions?.find((c: any) => c.type === "Ready")?.status;
}

describe("agents on separate hosts (network namespaces)", () => {
  const net = new HostNetwork(`en-${process.pid}`, `10.250.${(process.pid % 250) + 1}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-netns-"));
  const serverDir = path.join(dir, "server");
  const kubeconfig = path.join(serverDir, "kubeconfig.yaml");

  /** kubectl run inside the control plane's namespace (the kubeconfig points at its loopback). */
  async function kubectl(args: string[], input?: string): Promise<string> {
    const base = [
      "--kubeconfig",
      kubeconfig,
      "--cache-dir",
      path.join(dir, "kubectl-cache"),
      "--request-timeout",
      "10s",
    ];
    const r = await net.exec("cp", "kubectl", [...base, ...args], input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }

  async function node(name: HostName): Promise<any> {
    return JSON.parse(await kubectl(["get", "node", name, "-o", "json"]));
  }

  function failWithLogs(e: unknown): never {
    throw new Error(`${(e as Error).message}\n--- logs ---\n${net.logs.slice(-60).join("\n")}`);
  }

  beforeAll(async () => {
    await requireIp();
    await removeContainers();
    await net.create(["cp", "a", "b"]);
    const cpAddress = net.address("cp");
    net.spawn("cp", "server", process.execPath, [
      EVERYNODE_BIN,
      "server",
      "--listen",
      "0.0.0.0:6443",
      "--tls-san",
      cpAddress,
      "--no-agent",
      "--node-monitor-grace-period",
      "6s",
      "--heartbeat-interval",
      "2s",
      "--data-dir",
      serverDir,
    ]);
    try {
      await waitFor(
        "the server's kubeconfig and join token",
        () => existsSync(kubeconfig) && existsSync(path.join(serverDir, "join-token")),
        60_000,
      );
      await waitFor(
        "the API to answer",
        async () => (await kubectl(["get", "--raw", "/readyz"])).trim() === "ok",
        30_000,
      );
      const token = readFileSync(path.join(serverDir, "join-token"), "utf8").trim();
      for (const [name, host] of Object.entries(HOSTS)) {
        net.spawn(host, name, process.execPath, [
          EVERYNODE_BIN,
          "agent",
          "--server",
          `https://${cpAddress}:6443`,
          "--token",
          token,
          "--name",
          name,
          "--data-dir",
          path.join(dir, name),
        ]);
      }
    } catch (e) {
      failWithLogs(e);
    }
  });

  afterAll(async () => {
    await net.destroy();
    await removeContainers();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sees both hosts Ready, each with its own InternalIP", async () => {
    await waitFor(
      "host-a and host-b Ready",
      async () => {
        const list = JSON.parse(await kubectl(["get", "nodes", "-o", "json"])).items;
        return list.length === 2 && list.every((n: any) => readyOf(n) === "True");
      },
      60_000,
    ).catch(failWithLogs);
    for (const [name, host] of Object.entries(HOSTS) as [HostName, string][]) {
      const addresses = (await node(name)).status.addresses;
      expect(addresses).toContainEqual({ type: "InternalIP", address: net.address(host) });
    }
  });

  it("runs one container per host for a DaemonSet", async () => {
    expect(await kubectl(["apply", "-f", "-"], JSON.stringify(DS))).toMatch(/daemonset.apps\/web created/);
    await waitFor(
      "one running container per host",
      async () => {
        const [a, b] = [await containersOf("host-a"), await containersOf("host-b")];
        return a.length === 1 && b.length === 1;
      },
      60_000,
    ).catch(failWithLogs);
    await waitFor(
      "both pods Running",
      async () => {
        const pods = JSON.parse(await kubectl(["get", "pods", "-o", "json"])).items;
        return pods.length === 2 && pods.every((p: any) => p.status?.phase === "Running");
      },
      60_000,
    ).catch(failWithLogs);
  });

  it("marks a cut-off host Unknown and unreachable, keeps its container, and recovers it", async () => {
    const [before] = await containersOf("host-b");
    expect(before).toBeDefined();
    await net.cut("b");
    try {
      const cut = await waitFor(
        "host-b Ready=Unknown",
        async () => {
          const n = await node("host-b");
          return readyOf(n) === "Unknown" ? n : undefined;
        },
        40_000,
      );
      const taints = (cut.spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`);
      expect(taints).toEqual(
        expect.arrayContaining([
          "node.kubernetes.io/unreachable:NoSchedule",
          "node.kubernetes.io/unreachable:NoExecute",
        ]),
      );
      expect(readyOf(await node("host-a"))).toBe("True");
      await waitFor(
        "host-b's pod not ready",
        async () => {
          const pods = JSON.parse(await kubectl(["get", "pods", "-o", "json"])).items;
          const pod = pods.find((p: any) => p.spec.nodeName === "host-b");
          return pod?.status?.conditions?.find((c: any) => c.type === "Ready")?.status === "False";
        },
        20_000,
      );
      // A daemon pod tolerates unreachable: its container keeps running on the cut-off host.
      expect(await containersOf("host-b")).toEqual([before]);
    } finally {
      await net.restore("b");
    }
    const back = await waitFor(
      "host-b Ready again",
      async () => {
        const n = await node("host-b");
        return readyOf(n) === "True" ? n : undefined;
      },
      60_000,
    ).catch(failWithLogs);
    expect((back.spec.taints ?? []).filter((t: any) => t.key === "node.kubernetes.io/unreachable")).toEqual(
      [],
    );
    // Give the agent a few reconcile rounds: still exactly the same container, no duplicate.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await containersOf("host-b")).toEqual([before]);
    expect((await containersOf("host-a")).length).toBe(1);
    const pods = JSON.parse(await kubectl(["get", "pods", "-o", "json"])).items;
    expect(pods.map((p: any) => p.spec.nodeName).sort()).toEqual(["host-a", "host-b"]);
  });
});
