// The DaemonSets people run, from their upstream manifests (test/fixtures/upstream), applied
// with the real kubectl unchanged but for images (offline stand-ins that refuse what the real
// programs refuse: a missing token, config file, mount or variable) and the address of an
// outside service, on real agents: every pod Running and Ready on every node, no restart.
// Manifests on the host network listen on fixed host ports, so they run on a one-node cluster
// whose node address is 127.0.0.1 (two agents sharing one machine would fight over the port, as
// two kubelets would), on a host of its own (NetnsHost: a network namespace whose Docker engine
// has shared mounts, as systemd leaves them, which node-exporter's mountPropagation needs);
// the others on two nodes. Each fixture is deleted before the next with
// `kubectl delete -f`. The monitoring use case goes on to the end: Debian's real Prometheus
// scrapes the node exporter through its kube-rbac-proxy sidecar on the node's address.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { REPO_ROOT, run, startCluster, waitFor } from "../helpers/cluster.js";
import { shipsLogs, sweepPodLogs } from "../helpers/log-shipping.js";
import { startMiniRegistry } from "../helpers/mini-registry.js";
import { NetnsHost } from "../helpers/netns-host.js";
import { manifestObjects, upstreamImages } from "../helpers/upstream-manifests.js";
import { startPrometheus } from "../helpers/prometheus.js";
import { testManifest, upstreamFixture, type OutsideServices } from "../helpers/upstream-fixtures.js";

const RUN = `${process.pid}`;
/** The stand-in answering where Elasticsearch would be: a container on Docker's bridge. */
const ELASTICSEARCH = `everynode-upstream-es-${RUN}`;

const ANY_SERVICES: OutsideServices = { elasticsearch: { host: "es", port: 9200 }, apiServer: "https://x:1" };
type PodSpec = { hostNetwork?: boolean; containers?: { imagePullPolicy?: string }[] };
const podSpecs = (name: string): PodSpec[] =>
  manifestObjects(testManifest(name, ANY_SERVICES))
    .filter((o) => o["kind"] === "DaemonSet")
    .map((o) => (o as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec ?? {});
const hostNetwork = (name: string): boolean => podSpecs(name).some((s) => s.hostNetwork === true);
/** `imagePullPolicy: Always` pulls even an image the engine has: such fixtures get a registry. */
const pullsAlways = (name: string): boolean =>
  podSpecs(name).some((s) => (s.containers ?? []).some((c) => c.imagePullPolicy === "Always"));

/** What the manifests write on the host (test/fixtures/upstream/README.md, Surprise 5): each
 * removed afterwards unless it was there before, files before the folders holding them. */
const HOST_PATHS = [
  "/opt/cni/bin/flannel",
  "/opt/cni/bin",
  "/opt/cni",
  "/etc/cni/net.d/10-flannel.conflist",
  "/etc/cni/net.d",
  "/etc/cni",
  "/run/flannel",
  "/run/xtables.lock",
  "/var/lib/filebeat-data",
  "/var/lib/vector",
  "/var/log/flb_kube.db",
  "/var/log/fluentd-containers.log.pos",
];
const hostPathsBefore = HOST_PATHS.filter((p) => existsSync(p));

let services: OutsideServices;
/** The same services at the machine's loopback, for pods on a host of their own (relayed in). */
let servicesOnLoopback: OutsideServices & { elasticsearch: { host: string; port: number } };
/** Every pod seen, whose log files sweepPodLogs removes from /var/log afterwards. */
const seenUids = new Set<string>();

/** The fixture's own pods (its DaemonSet's). */
async function podsOf(cluster: Cluster, name: string): Promise<any[]> {
  const fixture = upstreamFixture(name);
  const pods = (await cluster.pods(fixture.namespace)).filter((p) =>
    p.metadata.ownerReferences?.some((o: any) => o.kind === "DaemonSet" && o.name === fixture.daemonSet),
  );
  for (const p of pods) seenUids.add(p.metadata.uid);
  return pods;
}

beforeAll(async () => {
  const built = await run(`${REPO_ROOT}/scripts/build-upstream-images.sh`, [], { timeoutMs: 300_000 });
  if (built.code !== 0) throw new Error(`building the stand-ins failed:\n${built.stderr}`);
  // Where Elasticsearch would be: 200 OK to anything on 9200, from the stand-ins' own HTTP
  // handler, reachable from the pods on Docker's bridge.
  await run("docker", ["rm", "-f", ELASTICSEARCH]);
  const es = await run("docker", [
    "run",
    "-d",
    "--name",
    ELASTICSEARCH,
    "-p",
    "127.0.0.1::9200",
    "--entrypoint",
    "/bin/sh",
    "everynode-upstream/fluentd-elasticsearch:test",
    "-c",
    "exec nc -ll -p 9200 -e /usr/lib/standin/http-handler /bin/true",
  ]);
  if (es.code !== 0) throw new Error(`starting the Elasticsearch stand-in failed: ${es.stderr}`);
  const ip = await run("docker", ["inspect", "-f", "{{.NetworkSettings.IPAddress}}", ELASTICSEARCH]);
  services = { elasticsearch: { host: ip.stdout.trim(), port: 9200 } };
  const published = await run("docker", ["port", ELASTICSEARCH, "9200/tcp"]);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(published.stdout)?.[1]);
  if (!port) throw new Error(`the Elasticsearch stand-in's port: ${published.stdout}${published.stderr}`);
  servicesOnLoopback = { elasticsearch: { host: "127.0.0.1", port } };
}, 360_000);

afterAll(async () => {
  await run("docker", ["rm", "-f", ELASTICSEARCH]);
  for (const p of HOST_PATHS) if (!hostPathsBefore.includes(p)) rmSync(p, { recursive: true, force: true });
});

/** What went wrong, for a failed wait: the pods' describe and their containers' last log lines. */
async function diagnose(cluster: Cluster, namespace: string): Promise<string> {
  const described = await cluster.kubectl(["describe", "pods", "-n", namespace]);
  const logs: string[] = [];
  for (const c of await cluster.containers()) {
    const l = await cluster.docker(["logs", "--tail", "15", c.id]);
    logs.push(`--- ${c.name} (${c.state})\n${l.stdout}${l.stderr}`);
  }
  return `${described.stdout.slice(-6000)}\n${logs.join("\n").slice(-6000)}`;
}

/** Runs fixture `name` (applyAndCheck), with a registry for the stand-ins when it pulls Always. */
async function runFixture(
  cluster: Cluster,
  name: string,
  nodes: string[],
  whileRunning: () => Promise<void> = async () => {},
): Promise<void> {
  // No registry is reachable: one on loopback serves the stand-ins, as Docker Hub would.
  const registry = pullsAlways(name)
    ? await startMiniRegistry(
        Object.fromEntries(upstreamImages(testManifest(name, ANY_SERVICES)).map((i) => [i, i])),
      )
    : undefined;
  try {
    await applyAndCheck(cluster, name, nodes, whileRunning, registry?.host);
  } finally {
    await registry?.close();
    // What the engine pulled from it stays in the machine's engine otherwise.
    if (registry) {
      const pulled = upstreamImages(testManifest(name, { ...ANY_SERVICES, registry: registry.host }));
      await run("docker", ["rmi", ...pulled]);
    }
  }
}

/** Applies fixture `name`, waits for one Ready pod per node, checks, and deletes it again. */
async function applyAndCheck(
  cluster: Cluster,
  name: string,
  nodes: string[],
  whileRunning: () => Promise<void>,
  registry: string | undefined,
): Promise<void> {
  const fixture = upstreamFixture(name);
  const yaml = testManifest(name, {
    ...(hostNetwork(name) ? servicesOnLoopback : services),
    apiServer: cluster.server,
    ...(registry ? { registry } : {}),
  });
  if (fixture.namespaceCreatedByTest) {
    const ns = await cluster.kubectl(["create", "namespace", fixture.namespace]);
    expect(ns.code, ns.stderr).toBe(0);
  }
  const applied = await cluster.kubectl(["apply", "-f", "-"], { input: yaml });
  // Kinds everynode does not serve (Service, ServiceMonitor, ...) are kubectl's per-object
  // errors; the DaemonSet itself must have been created.
  expect(applied.stdout).toContain(`daemonset.apps/${fixture.daemonSet} created`);
  const podsReady = async (): Promise<any[] | false> => {
    const pods = await podsOf(cluster, name);
    const ready = pods.filter(
      (p) =>
        p.status?.phase === "Running" &&
        p.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True"),
    );
    return ready.length === nodes.length && pods.length === nodes.length ? pods : false;
  };
  let pods: any[];
  try {
    pods = await waitFor(`${name}: a Ready pod on each of ${nodes.join(", ")}`, podsReady, 90_000, 500);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${await diagnose(cluster, fixture.namespace)}`);
  }
  expect(pods.map((p) => p.spec.nodeName).sort()).toEqual([...nodes].sort());
  // Still Ready a moment later, and nothing restarted: a stand-in that refuses its pod exits.
  await new Promise((r) => setTimeout(r, 3_000));
  const again = await podsReady();
  const restarts = (again || []).flatMap((p) =>
    (p.status?.containerStatuses ?? []).filter((s: any) => s.restartCount > 0).map((s: any) => s.name),
  );
  if (!again || restarts.length > 0) {
    throw new Error(
      `${name}: not steady (restarted: ${restarts.join(", ")})\n${await diagnose(cluster, fixture.namespace)}`,
    );
  }
  const ds = await cluster.api(
    "GET",
    `/apis/apps/v1/namespaces/${fixture.namespace}/daemonsets/${fixture.daemonSet}`,
  );
  expect(ds.body.status).toMatchObject({ desiredNumberScheduled: nodes.length, numberReady: nodes.length });
  // What the stand-ins report (lines of their own, not the ones they ship): nothing refused,
  // and the outside service the test pointed them at answers (fluentd's manifest names none:
  // its image's default, elasticsearch-logging, is unreachable here).
  const pointed = Object.keys(fixture.addresses(ANY_SERVICES).env ?? {}).length > 0;
  for (const p of pods) {
    const logs = await cluster.kubectl([
      "logs",
      "-n",
      fixture.namespace,
      p.metadata.name,
      "--all-containers",
    ]);
    expect(logs.stdout + logs.stderr).not.toMatch(/^[\w-]+: FATAL/m);
    if (pointed) expect(logs.stdout).toMatch(/^[\w-]+: output \S+ reachable/m);
  }
  await whileRunning();

  const deleted = await cluster.kubectl(["delete", "-f", "-", "--wait=true"], { input: yaml });
  const metadata = manifestObjects(yaml).map((o) => ({
    kind: o["kind"],
    ...(o["metadata"] as { name?: string; namespace?: string }),
  }));
  if (metadata.some((m) => m.kind === "Namespace" && m.name === fixture.namespace)) {
    // The file's Namespace comes first: deleting it deletes what is in it (at once here, a
    // moment later in Kubernetes), so kubectl, going on down the file, may find those gone.
    expect(deleted.stdout).toContain(`namespace "${fixture.namespace}" deleted`);
    const inside = new Set(metadata.filter((m) => m.namespace === fixture.namespace).map((m) => m.name));
    const notFound = deleted.stderr.split("\n").filter((l) => l.includes("(NotFound)"));
    const others = notFound.filter((l) => !inside.has(/"([^"]+)" not found$/.exec(l)?.[1]));
    expect(others, deleted.stderr).toEqual([]);
  } else {
    expect(deleted.stdout).toContain(`daemonset.apps "${fixture.daemonSet}" deleted`);
  }
  const gone = await cluster.api(
    "GET",
    `/apis/apps/v1/namespaces/${fixture.namespace}/daemonsets/${fixture.daemonSet}`,
  );
  expect(gone.status).toBe(404);
  if (fixture.namespaceCreatedByTest) await cluster.kubectl(["delete", "namespace", fixture.namespace]);
  await waitFor(
    `${name}: its containers gone`,
    async () => (await cluster.containers()).length === 0,
    60_000,
  );
}

/** The fixtures that run on every node here. Not here: kube-proxy, kured and
 * node-problem-detector are privileged, which this machine's Docker refuses
 * (test/e2e/upstream-privileged.test.ts checks their containers' configuration). */
const FIXTURES = ["fluentd-elasticsearch", "node-exporter", "fluent-bit", "vector", "filebeat", "flannel"];

/** Prometheus scrapes the node exporter as kube-prometheus' ServiceMonitor does (HTTPS, the
 * proxy's own certificate not verified) on the node's address, 127.0.0.1:9100 on `host`
 * (relayed to the machine's loopback): one healthy target. */
async function scrapeNodeExporter(host: NetnsHost): Promise<void> {
  const target = `127.0.0.1:${await host.relayOut(9100)}`;
  const prometheus = await startPrometheus(() => [
    "  - job_name: node-exporter",
    "    scheme: https",
    "    tls_config:",
    "      insecure_skip_verify: true",
    "    static_configs:",
    `      - targets: ["${target}"]`,
  ]);
  try {
    const up = await waitFor(
      "Prometheus to scrape the node exporter",
      async () => {
        prometheus.checkAlive();
        const [sample] = await prometheus.query('up{job="node-exporter"}');
        return sample?.value === 1 && sample;
      },
      60_000,
      500,
    );
    expect(up.metric["instance"]).toBe(target);
    // node_exporter's own figures, read from the host's /proc and /sys through the pod's mounts.
    const [boot] = await prometheus.query('node_boot_time_seconds{job="node-exporter"}');
    expect(boot?.value).toBeGreaterThan(1_000_000_000);
  } finally {
    await prometheus.stop();
  }
}

/** Flannel takes its node's subnet from spec.podCIDR (the server's --cluster-cidr) and writes
 * it to the host's /run/flannel/subnet.env, which the CNI plugin reads. */
async function flannelSubnet(cluster: Cluster, node: string): Promise<void> {
  const podCidr = (await cluster.api("GET", `/api/v1/nodes/${node}`)).body?.spec?.podCIDR;
  expect(podCidr).toMatch(/^10\.244\.\d+\.0\/24$/);
  const file = "/run/flannel/subnet.env";
  const read = (): string => (existsSync(file) ? readFileSync(file, "utf8") : "");
  await waitFor(
    `${file} with FLANNEL_SUBNET=${podCidr}`,
    () => read().includes(`FLANNEL_SUBNET=${podCidr}\n`),
    20_000,
    200,
  );
}

/** Log shippers whose test also runs the logging use case (shipsLogs). */
const LOG_SHIPPERS = ["fluent-bit", "vector"];

// The bridge nodes write their pods' logs where the kubelet does, /var/log, which the log
// shippers mount from the host: both nodes share this machine's /var/log, so each shipper
// also sees the other node's pods (on separate hosts it would not).
const GROUPS: {
  group: string;
  agents: { name: string; args?: string[] }[];
  hostNetwork: boolean;
  podLogsInVarLog?: boolean;
  ownHost?: boolean;
  serverArgs?: string[];
}[] = [
  {
    group: "on a bridge network, two nodes",
    agents: ["bridge-1", "bridge-2"].map((name) => ({ name, args: ["--pod-log-dir", "/var/log"] })),
    hostNetwork: false,
    podLogsInVarLog: true,
  },
  {
    group: "on the host network, one node",
    agents: [{ name: "host-1", args: ["--node-ip", "127.0.0.1"] }],
    hostNetwork: true,
    ownHost: true,
    // flannel's net-conf.json Network.
    serverArgs: ["--cluster-cidr", "10.244.0.0/16"],
  },
];

for (const { group, agents, hostNetwork: host, podLogsInVarLog, ownHost, serverArgs } of GROUPS) {
  const nodes = agents.map((a) => a.name);
  const fixtures = FIXTURES.filter((f) => hostNetwork(f) === host);
  if (fixtures.length === 0) continue;
  describe(`upstream DaemonSets ${group}`, () => {
    let cluster: Cluster;
    const testHost = ownHost
      ? new NetnsHost(`en-up-${RUN}`, mkdtempSync("/tmp/enh-") /* containerd: socket paths under 104 bytes */)
      : undefined;
    const madeVarLogLayout = !existsSync("/var/log/pods");
    beforeAll(async () => {
      await testHost?.start([
        ...new Set(fixtures.flatMap((f) => upstreamImages(testManifest(f, ANY_SERVICES)))),
      ]);
      cluster = await startCluster({
        noServerAgent: true,
        agents,
        dockerHost: testHost?.engine.host,
        ...(serverArgs ? { serverArgs } : {}),
      });
      // Pods on that host's network reach the API at the agent's server address, as on the
      // machine, and Elasticsearch at the machine's loopback.
      await testHost?.relayIn(Number(new URL(cluster.server).port));
      await testHost?.relayIn(servicesOnLoopback.elasticsearch.port);
      await cluster.waitForNodesReady(nodes);
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
      await testHost?.stop();
      if (podLogsInVarLog) sweepPodLogs("/var/log", seenUids, madeVarLogLayout);
    });
    for (const name of fixtures) {
      const ships = podLogsInVarLog === true && LOG_SHIPPERS.includes(name);
      const hook =
        name === "node-exporter" && testHost
          ? () => scrapeNodeExporter(testHost)
          : name === "flannel" && serverArgs
            ? () => flannelSubnet(cluster, nodes[0] ?? "")
            : ships
              ? () =>
                  shipsLogs(cluster, upstreamFixture(name).namespace, () => podsOf(cluster, name), seenUids)
              : undefined;
      it(`${name} runs on every node${ships ? ", shipping other pods' logs" : ""}`, async () => {
        await runFixture(cluster, name, nodes, hook);
      }, 240_000);
    }
  });
}
