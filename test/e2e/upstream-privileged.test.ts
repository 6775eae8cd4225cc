// The privileged DaemonSets of the upstream manifests (test/fixtures/upstream): kubeadm's
// kube-proxy, kured and node-problem-detector, applied with the real kubectl unchanged but for
// their images, on two real agents (one tainted as an old control-plane node, which only
// node-problem-detector does not tolerate). Where the Docker engine refuses to start privileged
// containers (a sandboxed engine: "unable to apply caps"), the pods cannot run, so the test
// checks what the agent made of each pod spec on the created container (`docker inspect`):
// privileged, host PID and network, every hostPath bind with its propagation and read-only
// flag, the downward-API env, the ServiceAccount token, the configMap files, the command with
// $(VAR) expanded, the limits. And what a user sees of a container that cannot start:
// `kubectl describe pod` with the reason, the engine's message and Warning events, and retries
// no faster than the crash-loop back-off. Where privileged containers can start, the pods must
// run instead. node-problem-detector says `imagePullPolicy: Always`, so its stand-in is served
// by a registry on loopback (the engine really pulls it) instead of being used from the cache.

import { existsSync, readdirSync, rmSync, rmdirSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { REPO_ROOT, run, startCluster, waitFor } from "../helpers/cluster.js";
import { startMiniRegistry, type MiniRegistry } from "../helpers/mini-registry.js";
import { rewriteUpstreamManifest } from "../helpers/upstream-manifests.js";
import {
  configMapData,
  containersOf,
  engineRunsPrivileged,
  escape,
  expectPrivatePropagation,
  expectTokenMount,
  mountAt,
  SA_DIR,
  volumeFiles,
  type Inspect,
} from "./upstream-privileged-checks.js";
import {
  readUpstreamManifest,
  STAND_IN_IMAGES,
  testManifest,
  upstreamFixture,
} from "../helpers/upstream-fixtures.js";

const NODES = ["priv-1", "priv-2"];
/** priv-2 is tainted as an old control-plane node: kube-proxy tolerates everything, kured this
 * taint (a toleration without `operator`), node-problem-detector nothing. */
const MASTER_TAINT = "node-role.kubernetes.io/master:NoSchedule";
const NODES_OF: Record<string, string[]> = {
  "kube-proxy": NODES,
  kured: NODES,
  "node-problem-detector": ["priv-1"],
};
const FIXTURES = ["kube-proxy", "kured", "node-problem-detector"];
/** Host paths the manifests bind that an agent creates when missing (FileOrCreate; Docker's
 * own bind of a missing path): removed afterwards when this test made them. */
const HOST_PATHS_MADE = ["/run/xtables.lock", "/lib/modules"];

let cluster: Cluster;
let registry: MiniRegistry;
let privilegedRuns = false;
const manifests = new Map<string, string>();
const preexisting = new Set<string>();

async function podsOf(ds: string): Promise<any[]> {
  return (await cluster.pods("kube-system")).filter((p) =>
    p.metadata.ownerReferences?.some((o: any) => o.kind === "DaemonSet" && o.name === ds),
  );
}

beforeAll(async () => {
  const built = await run(`${REPO_ROOT}/scripts/build-upstream-images.sh`, [], { timeoutMs: 300_000 });
  if (built.code !== 0) throw new Error(`building the stand-ins failed:\n${built.stderr}`);
  privilegedRuns = await engineRunsPrivileged();
  for (const p of HOST_PATHS_MADE) if (existsSync(p)) preexisting.add(p);
  registry = await startMiniRegistry({
    "node-problem-detector:v0.6.3": STAND_IN_IMAGES["k8s.gcr.io/node-problem-detector"]!,
  });
  cluster = await startCluster({
    noServerAgent: true,
    agents: [{ name: "priv-1" }, { name: "priv-2", taints: [MASTER_TAINT] }],
  });
  for (const name of FIXTURES) {
    manifests.set(
      name,
      name === "node-problem-detector"
        ? rewriteUpstreamManifest(readUpstreamManifest(name), {
            images: {
              ...STAND_IN_IMAGES,
              "k8s.gcr.io/node-problem-detector": `${registry.host}/node-problem-detector:v0.6.3`,
            },
          })
        : testManifest(name, { apiServer: cluster.server }),
    );
  }
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  if (registry) {
    await run("docker", ["rmi", `${registry.host}/node-problem-detector:v0.6.3`]);
    await registry.close();
  }
  for (const p of HOST_PATHS_MADE) {
    if (preexisting.has(p) || !existsSync(p)) continue;
    const s = statSync(p);
    if (s.isFile() && s.size === 0) rmSync(p);
    else if (s.isDirectory() && readdirSync(p).length === 0) rmdirSync(p);
  }
}, 120_000);

describe("privileged upstream DaemonSets on two agents", () => {
  let containers: Record<string, Map<string, Inspect>>;

  it("are applied with kubectl, and the agents create their containers on every node", async () => {
    for (const name of FIXTURES) {
      const applied = await cluster.kubectl(["apply", "-f", "-"], { input: manifests.get(name) });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain(`daemonset.apps/${upstreamFixture(name).daemonSet} created`);
    }
    containers = {};
    for (const name of FIXTURES)
      containers[name] = await containersOf(upstreamFixture(name).daemonSet, NODES_OF[name]!);
    for (const name of FIXTURES) {
      const pods = await podsOf(upstreamFixture(name).daemonSet);
      expect([name, pods.map((p) => p.spec.nodeName).sort()]).toEqual([name, NODES_OF[name]]);
    }
    // What the manifests bind their ServiceAccounts to without defining it: Kubernetes' own roles.
    for (const role of ["system:node-proxier", "system:node-problem-detector"]) {
      const got = await cluster.kubectl(["get", "clusterrole", role, "-o", "name"]);
      expect(got.stdout.trim(), got.stderr).toBe(`clusterrole.rbac.authorization.k8s.io/${role}`);
    }
  }, 180_000);

  it("the agents retry no faster than the crash-loop back-off (10 s doubling), but do retry", async (ctx) => {
    if (privilegedRuns) ctx.skip();
    // Kubernetes' schedule: a first retry at once, then 10 s, 20 s, 40 s... after each failure.
    // Each pod is watched for 25 s from when it is first seen past its first retry: within
    // that it is retried once or twice more (never not at all), no two retries less than the
    // back-off's 10 s apart (less a second for the status to arrive).
    const WATCH_MS = 25_000;
    const restarts = async (): Promise<Map<string, number>> => {
      const out = new Map<string, number>();
      for (const name of FIXTURES) {
        for (const p of await podsOf(upstreamFixture(name).daemonSet))
          out.set(p.metadata.name, p.status?.containerStatuses?.[0]?.restartCount ?? 0);
      }
      return out;
    };
    const watched = new Map<string, { from: number; seen: { count: number; at: number }[] }>();
    const done = (now: number): boolean =>
      watched.size === FIXTURES.reduce((n, f) => n + NODES_OF[f]!.length, 0) &&
      [...watched.values()].every((w) => now - w.from > WATCH_MS);
    const deadline = Date.now() + 90_000;
    for (let now = Date.now(); !done(now); now = Date.now()) {
      if (now > deadline) throw new Error(`not every pod was retried: ${JSON.stringify([...watched])}`);
      for (const [pod, count] of await restarts()) {
        const w = watched.get(pod);
        if (!w) {
          if (count >= 1) watched.set(pod, { from: now, seen: [{ count, at: now }] });
        } else if (now - w.from <= WATCH_MS) {
          // Two attempts between two looks are two at the same moment: too close.
          for (let c = w.seen.at(-1)!.count + 1; c <= count; c++) w.seen.push({ count: c, at: now });
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const [pod, w] of watched) {
      const more = w.seen.length - 1;
      const gaps = w.seen.slice(2).map((s, k) => s.at - w.seen[k + 1]!.at);
      expect({ pod, more: more >= 1 && more <= 2, gaps: gaps.every((g) => g >= 9_000) }).toEqual({
        pod,
        more: true,
        gaps: true,
      });
    }
    // Between attempts each waits with the kubelet's message (just after a failure, and
    // while a retry is made, it may show the terminated attempt instead).
    await waitFor(
      "every pod waiting with the back-off's message",
      async () => {
        const pods = [];
        for (const name of FIXTURES) pods.push(...(await podsOf(upstreamFixture(name).daemonSet)));
        return pods.every((p) =>
          /^back-off (10|20|40)s restarting failed container=/.test(
            p.status?.containerStatuses?.[0]?.state?.waiting?.message ?? "",
          ),
        );
      },
      30_000,
      250,
    );
  }, 120_000);

  it("every pod runs where the engine starts privileged containers, else none claims to", async () => {
    for (const name of FIXTURES) {
      const ds = upstreamFixture(name).daemonSet;
      if (privilegedRuns) {
        await waitFor(`${ds} running on every node`, async () => {
          const pods = await podsOf(ds);
          return pods.length === NODES_OF[name]!.length && pods.every((p) => p.status?.phase === "Running");
        });
        continue;
      }
      // This engine refuses them (the back-off and describe tests say how): no pod is Running or Ready.
      const pods = await podsOf(ds);
      expect(pods).toHaveLength(NODES_OF[name]!.length);
      for (const p of pods) {
        expect([p.metadata.name, p.status?.phase]).not.toEqual([p.metadata.name, "Running"]);
        const ready = p.status?.conditions?.find((c: { type: string }) => c.type === "Ready")?.status;
        expect([p.metadata.name, ready]).toEqual([p.metadata.name, "False"]);
      }
    }
  }, 120_000);

  it("kube-proxy: privileged, host network, its command expanded, binds and configMap files", () => {
    const data = configMapData(manifests.get("kube-proxy")!, "kube-proxy");
    expect(data["kubeconfig.conf"]).toContain(`server: ${cluster.server}`);
    for (const [node, c] of containers["kube-proxy"]!) {
      expect(c.HostConfig.Privileged).toBe(true);
      expect(c.HostConfig.NetworkMode).toBe("host");
      expect(c.HostConfig.PidMode).toBe("");
      expect(c.Config.Entrypoint).toEqual([
        "/usr/local/bin/kube-proxy",
        "--config=/var/lib/kube-proxy/config.conf",
        `--hostname-override=${node}`,
      ]);
      expect(c.Config.Cmd).toBeNull();
      expect(c.Config.Env).toContain(`NODE_NAME=${node}`);
      // configMap volumes are read-only whatever the mount says.
      const config = mountAt(c, "/var/lib/kube-proxy");
      expect(config.RW).toBe(false);
      expect(volumeFiles(config.Source)).toEqual({
        "config.conf": data["config.conf"],
        "kubeconfig.conf": data["kubeconfig.conf"],
      });
      // FileOrCreate: an empty file on the host, bound read-write.
      expect(mountAt(c, "/run/xtables.lock")).toMatchObject({ Source: "/run/xtables.lock", RW: true });
      expect(statSync("/run/xtables.lock").isFile()).toBe(true);
      expect(mountAt(c, "/lib/modules")).toMatchObject({ Source: "/lib/modules", RW: false });
      expect(c.Mounts).toHaveLength(4);
      expectPrivatePropagation(c);
      expectTokenMount(c, "kube-proxy");
      expect([c.HostConfig.Memory, c.HostConfig.NanoCpus]).toEqual([0, 0]);
    }
  });

  it("kured: privileged in the host's PID namespace, its node from the downward API", () => {
    for (const [node, c] of containers["kured"]!) {
      expect(c.HostConfig.Privileged).toBe(true);
      expect(c.HostConfig.PidMode).toBe("host");
      expect(c.HostConfig.NetworkMode).toMatch(/^container:/);
      expect(c.Config.Image).toBe(STAND_IN_IMAGES["docker.io/weaveworks/kured"]);
      expect(c.Config.Entrypoint).toEqual(["/usr/bin/kured"]);
      expect(c.Config.Cmd).toBeNull();
      expect(c.Config.Env).toContain(`KURED_NODE_ID=${node}`);
      expect(c.Mounts.map((m) => m.Destination)).toEqual([SA_DIR]);
      expectTokenMount(c, "kured");
      expect([c.HostConfig.Memory, c.HostConfig.NanoCpus]).toEqual([0, 0]);
    }
  });

  it("node-problem-detector: pulled (Always), privileged, read-only host files, config items, limits", async () => {
    const data = configMapData(manifests.get("node-problem-detector")!, "node-problem-detector-config");
    // Asked of the registry before each attempt, restarts included, though the engine has it.
    const [npd] = await podsOf("node-problem-detector");
    const attempts = 1 + npd.status.containerStatuses[0].restartCount;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(registry.manifestRequests).toBeGreaterThanOrEqual(attempts);
    for (const [node, c] of containers["node-problem-detector"]!) {
      expect(c.Config.Image).toBe(`${registry.host}/node-problem-detector:v0.6.3`);
      expect(c.HostConfig.Privileged).toBe(true);
      expect(c.HostConfig.NetworkMode).toMatch(/^container:/);
      expect(c.HostConfig.PidMode).toBe("");
      expect(c.Config.Entrypoint).toEqual([
        "/node-problem-detector",
        "--logtostderr",
        "--system-log-monitors=/config/kernel-monitor.json,/config/docker-monitor.json",
      ]);
      expect(c.Config.Cmd).toBeNull();
      expect(c.Config.Env).toContain(`NODE_NAME=${node}`);
      expect(mountAt(c, "/var/log")).toMatchObject({ RW: false });
      expect(mountAt(c, "/var/log").Source.replace(/\/$/, "")).toBe("/var/log");
      // A character device, bound as it is (hostPath without a type: no check, nothing made).
      expect(mountAt(c, "/dev/kmsg")).toMatchObject({ Source: "/dev/kmsg", RW: false });
      expect(statSync("/dev/kmsg").isCharacterDevice()).toBe(true);
      expect(mountAt(c, "/etc/localtime")).toMatchObject({ Source: "/etc/localtime", RW: false });
      const config = mountAt(c, "/config");
      expect(config.RW).toBe(false);
      // `items` lists both keys: exactly those two files.
      expect(volumeFiles(config.Source)).toEqual({
        "kernel-monitor.json": data["kernel-monitor.json"],
        "docker-monitor.json": data["docker-monitor.json"],
      });
      expect(c.Mounts).toHaveLength(5);
      expectPrivatePropagation(c);
      // The DaemonSet names no ServiceAccount: the namespace's default.
      expectTokenMount(c, "default");
      // limits cpu 10m, memory 80Mi; the cpu request as shares (10m of 1024).
      expect(c.HostConfig.NanoCpus).toBe(10_000_000);
      expect(c.HostConfig.Memory).toBe(80 * 1024 * 1024);
      expect(c.HostConfig.CpuShares).toBe(10);
    }
  });

  it("kubectl describe pod shows why: reason, the engine's message, Warning events", async (ctx) => {
    if (privilegedRuns) ctx.skip();
    for (const name of FIXTURES) {
      const ds = upstreamFixture(name).daemonSet;
      const container = name;
      for (const node of NODES_OF[name]!) {
        const error = containers[name]!.get(node)!.State.Error;
        const pod = (await podsOf(ds)).find((p) => p.spec.nodeName === node);
        // After the first failure: waiting on the back-off, the failure as the last state.
        const text = await waitFor(
          `${pod.metadata.name}: CrashLoopBackOff and a BackOff event in describe`,
          async () => {
            const d = await cluster.kubectl(["describe", "pod", "-n", "kube-system", pod.metadata.name]);
            return (
              /Reason:\s+CrashLoopBackOff/.test(d.stdout) && /Warning\s+BackOff/.test(d.stdout) && d.stdout
            );
          },
          60_000,
          500,
        );
        expect(text).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
        expect(text).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+ContainerCannotRun\n\s+Message:\s+(.*)/);
        expect(text.match(/Last State:\s+Terminated\n\s+Reason:\s+\S+\n\s+Message:\s+(.*)/)?.[1]).toBe(error);
        expect(text).not.toMatch(/Finished:\s+Mon, 01 Jan 0001/);
        expect(text).toMatch(new RegExp(`Warning\\s+Failed\\s+.*Error: ${escape(error.slice(0, 40))}`));
        expect(text).toMatch(
          new RegExp(`Warning\\s+BackOff\\s+.*Back-off restarting failed container ${container} in pod`),
        );
      }
    }
  }, 180_000);

  it("kubectl delete -f removes them with every container and sandbox", async () => {
    for (const name of FIXTURES) {
      const deleted = await cluster.kubectl(["delete", "-f", "-", "--wait=true"], {
        input: manifests.get(name),
      });
      expect(deleted.stdout).toContain(`daemonset.apps "${upstreamFixture(name).daemonSet}" deleted`);
    }
    await waitFor(
      "every container and sandbox gone",
      async () => {
        for (const node of NODES) {
          const ps = await run("docker", ["ps", "-aq", "--filter", `label=io.everynode.node=${node}`]);
          if (ps.stdout.trim() !== "") return false;
        }
        return true;
      },
      90_000,
      500,
    );
    await waitFor("their pods gone", async () => (await cluster.pods("kube-system")).length === 0, 60_000);
  }, 180_000);
});
