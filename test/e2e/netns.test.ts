// Agents on separate hosts: the control plane and two agents each in their own network
// namespace, joined by a bridge, as on three machines. Each agent host also has a Docker engine
// of its own inside its namespace, so nothing may rely on the agents sharing one engine. A
// host whose link is cut turns Unknown with the unreachable taints and keeps its container;
// back on the network it turns Ready again with the very same container.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYNODE_BIN, NODE_LABEL_KEY, run, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { HostNetwork, requireIp } from "../helpers/netns.js";
import { leftoversOf, mountsUnder, NamespacedDocker } from "../helpers/netns-docker.js";
import { webDaemonSet } from "../helpers/manifests.js";

const HOSTS = { "host-a": "a", "host-b": "b" } as const;
type HostName = keyof typeof HOSTS;

const DS = webDaemonSet("web", {}, {}, 1);

/** Containers (all states) of a node on the machine's own engine: there should be none. */
async function sharedContainersOf(node: HostName): Promise<string[]> {
  const r = await run("docker", ["ps", "-aq", "--no-trunc", "--filter", `label=${NODE_LABEL_KEY}=${node}`]);
  if (r.code !== 0) throw new Error(`docker ps failed: ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean);
}

async function removeSharedContainers(): Promise<void> {
  for (const node of Object.keys(HOSTS) as HostName[]) {
    const ids = await sharedContainersOf(node).catch(() => []);
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
  const engines = new Map<HostName, NamespacedDocker>();

  function engine(name: HostName): NamespacedDocker {
    const e = engines.get(name);
    if (!e) throw new Error(`no engine for ${name}`);
    return e;
  }

  /** Every container id the test saw, to check that none left a cgroup behind. */
  const seen = new Set<string>();

  /** Running containers of a node on its own engine, by the node label the agent sets. */
  async function containersOf(name: HostName): Promise<string[]> {
    // The DaemonSet's containers (its pods' sandboxes carry no DaemonSet label).
    const ids = await engine(name).containers({ label: "io.everynode.daemonset=web" });
    for (const id of ids) seen.add(id);
    return ids;
  }

  const leftovers = (): Promise<string[]> => leftoversOf(dir, net.namespaces(), [...seen]);

  /** Stops agents and server, then the engines, then removes the namespaces and files. Once. */
  let tornDown: Promise<void> | undefined;
  function teardown(): Promise<void> {
    tornDown ??= (async () => {
      // Agents first: a live agent would recreate what the engines' cleanup removes.
      await net.stopProcesses();
      const stops = await Promise.allSettled([...engines.values()].map((e) => e.stop()));
      await net.removeNamespaces();
      await removeSharedContainers();
      // With a mount still in place, deleting would fail half-way: leftovers() reports it.
      if (!mountsUnder(dir).length) rmSync(dir, { recursive: true, force: true });
      const failed = stops.filter((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed.length) throw new Error(failed.map((f) => String(f.reason)).join("\n"));
    })();
    return tornDown;
  }

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
    const engineLogs = [...engines].map(([n, e]) => `--- ${n}'s dockerd ---\n${e.logTail(10)}`);
    throw new Error(
      `${(e as Error).message}\n--- logs ---\n${net.logs.slice(-60).join("\n")}\n${engineLogs.join("\n")}`,
    );
  }

  beforeAll(async () => {
    await requireIp();
    await removeSharedContainers();
    await net.create(["cp", "a", "b"]);
    // No registry is reachable: the test image goes from the machine's engine to each host's.
    const archive = path.join(dir, "image.tar");
    const saved = await run("docker", ["save", "-o", archive, TEST_IMAGE]);
    if (saved.code !== 0) throw new Error(`docker save ${TEST_IMAGE}: ${saved.stderr}`);
    for (const [name, host] of Object.entries(HOSTS) as [HostName, string][]) {
      const e = new NamespacedDocker(net.ns(host), path.join(dir, `docker-${host}`));
      engines.set(name, e);
    }
    await Promise.all(
      [...engines.values()].map(async (e) => {
        await e.start();
        await e.load(archive);
      }),
    );
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
      for (const [name, host] of Object.entries(HOSTS) as [HostName, string][]) {
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
          "--pod-log-dir",
          path.join(dir, name, "pod-logs"),
          "--docker-host",
          engine(name).host,
        ]);
      }
    } catch (e) {
      failWithLogs(e);
    }
  });

  afterAll(async () => {
    await teardown();
    const left = await leftovers();
    if (left.length) throw new Error(`left behind:\n${left.join("\n")}`);
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

  it("runs each host's container on that host's own engine, none on the machine's", async () => {
    for (const [name, host] of Object.entries(HOSTS) as [HostName, string][]) {
      const [id, ...more] = await containersOf(name);
      expect(id).toBeDefined();
      expect(more).toEqual([]);
      // Nothing else on this engine but the pod's sandbox: in particular not the other host's container.
      const all = await engine(name).containers({ all: true, label: `${NODE_LABEL_KEY}=${name}` });
      expect(all).toContain(id);
      expect(all).toHaveLength(2);
      expect(await engine(name).containers({ all: true })).toEqual(all);
      expect(await sharedContainersOf(name)).toEqual([]);
      expect((await run("docker", ["inspect", String(id)])).code).not.toBe(0);
      // The engine's bridge is private to the host's namespace: its container answers there,
      // on its pod's IP (its sandbox's).
      const sandbox = all.find((c) => c !== id);
      const inspect = await engine(name).docker([
        "inspect",
        "-f",
        "{{.NetworkSettings.IPAddress}}",
        String(sandbox),
      ]);
      const address = inspect.stdout.trim();
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const page = await net.exec(host, process.execPath, [
        "-e",
        `fetch("http://${address}/").then(async (r) => process.stdout.write(r.status + " " + (await r.text())))`,
      ]);
      expect(page.stdout).toMatch(/^200 /);
    }
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
    expect(await sharedContainersOf("host-b")).toEqual([]);
  });

  it("leaves nothing behind, and the machine's own engine still runs containers", async () => {
    await teardown();
    expect(await leftovers()).toEqual([]);
    // A second engine in the machine's namespace would have deleted docker0 and broken this.
    const r = await run("docker", ["run", "--rm", TEST_IMAGE, "true"], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
  });
});
