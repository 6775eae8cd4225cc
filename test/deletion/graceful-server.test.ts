// Graceful deletion end to end over real HTTPS: one `everynode server --no-agent` process,
// scripted agents over real WebSockets that announce gracefulDeletion and report terminating
// pods gone after a delay (one that does not, as agents before it did), and the real kubectl
// 1.33: `delete pod` waits until the pod is gone, `get pods -w` shows Terminating, `delete ds`
// in the three cascade modes, force deletion, node and namespace deletion, lost nodes.

import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubectlPath, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";
import { connectScriptedAgent, type ScriptedAgent } from "../helpers/scripted-agent.js";
import { ServerProcess } from "../helpers/server-process.js";

const KUBECTL = "1.33";
const GONE_AFTER_MS = 1_500;
const DS = "/apis/apps/v1/namespaces/default/daemonsets";
const PODS = "/api/v1/namespaces/default/pods";

let server: ServerProcess;
const agents = new Map<string, ScriptedAgent>();

beforeAll(async () => {
  server = await ServerProcess.start({
    args: ["--node-monitor-grace-period", "3s", "--heartbeat-interval", "1s"],
  });
  for (const name of ["graceful-1", "graceful-2"]) {
    const credential = await server.register(name, { labels: { kind: "graceful" } });
    agents.set(
      name,
      await connectScriptedAgent(server.server, server.caPem, name, credential, 1_000, {
        graceful: { goneAfterMs: GONE_AFTER_MS },
        reportReady: true,
      }),
    );
  }
  const credential = await server.register("plain-1", { labels: { kind: "plain" } });
  agents.set(
    "plain-1",
    await connectScriptedAgent(server.server, server.caPem, "plain-1", credential, 1_000, {
      reportReady: true,
    }),
  );
  await server.waitForNodesReady(["graceful-1", "graceful-2", "plain-1"]);
});
afterAll(async () => {
  for (const a of agents.values()) a.stop();
  await server?.stop();
});

const podsOf = async (app: string, ns = "default"): Promise<any[]> =>
  (await server.pods(ns)).filter((p) => p.metadata.labels?.app === app);

async function createDs(
  name: string,
  nodeKind: "graceful" | "plain" | undefined,
  ns = "default",
): Promise<any[]> {
  const ds = webDaemonSet(name, {}, nodeKind ? { nodeSelector: { kind: nodeKind } } : {}, 20) as any;
  ds.metadata.namespace = ns;
  const r = await server.api("POST", `/apis/apps/v1/namespaces/${ns}/daemonsets`, ds);
  expect(r.status, r.text).toBe(201);
  const expected = nodeKind === "plain" ? 1 : nodeKind === "graceful" ? 2 : 3;
  return waitFor(`${expected} pods of ${name}`, async () => {
    const pods = await podsOf(name, ns);
    return pods.length === expected && pods.every((p) => p.status?.phase === "Running") && pods;
  });
}

/** A kubectl that keeps running (a watch): its output so far, and a way to stop it. */
function kubectlWatch(args: string[]): { output: () => string; stop: () => void } {
  const child = spawn(kubectlPath(KUBECTL), ["--kubeconfig", server.kubeconfig, ...args]);
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  return { output: () => out, stop: () => child.kill("SIGTERM") };
}

describe("pods", () => {
  it("kubectl delete pod waits while the pod is Terminating, in its node's set, and returns once the agent reports it gone", async () => {
    const [pod] = (await createDs("wait-pod", "graceful")).filter((p) => p.spec.nodeName === "graceful-1");
    const name = pod.metadata.name;
    const started = Date.now();
    const deleting = server.kubectl(["delete", "pod", name], { version: KUBECTL });
    const terminating = await waitFor("the pod Terminating", async () => {
      const r = await server.api("GET", `${PODS}/${name}`);
      return r.body?.metadata?.deletionTimestamp && r.body;
    });
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(20);
    // The agent got it back in its set, with the deletion fields, and kubectl shows it Terminating.
    await waitFor("the pod terminating in graceful-1's set", () =>
      agents
        .get("graceful-1")
        ?.lastSet()
        .some((p) => p.metadata.uid === pod.metadata.uid && p.metadata.deletionTimestamp),
    );
    const table = await server.kubectl(["get", "pod", name], { version: KUBECTL });
    expect(table.stdout).toMatch(new RegExp(`${name}\\s+\\S+\\s+Terminating`));
    const done = await deleting;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`pod "${name}" deleted`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(GONE_AFTER_MS);
    expect(agents.get("graceful-1")?.reportedGone.has(pod.metadata.uid)).toBe(true);
    expect((await server.api("GET", `${PODS}/${name}`)).status).toBe(404);
    // The DaemonSet then puts a new pod on the node.
    await waitFor("a new pod on graceful-1", async () =>
      (await podsOf("wait-pod")).some(
        (p) => p.spec.nodeName === "graceful-1" && p.metadata.uid !== pod.metadata.uid,
      ),
    );
  });

  it("kubectl get pods -w shows the pod Terminating", async () => {
    const [pod] = await createDs("watched", "graceful");
    const watch = kubectlWatch(["get", "pods", "-w", "-l", "app=watched"]);
    try {
      await waitFor("the watch's first rows", () => watch.output().includes(pod.metadata.name));
      const r = await server.api("DELETE", `${PODS}/${pod.metadata.name}`);
      expect(r.status).toBe(200);
      await waitFor("a Terminating row", () =>
        new RegExp(`${pod.metadata.name}\\s+\\S+\\s+Terminating`).test(watch.output()),
      );
    } finally {
      watch.stop();
    }
  });

  it("kubectl delete pod --grace-period=0 --force removes it at once, before any report", async () => {
    const [pod] = await createDs("forced", "graceful");
    const r = await server.kubectl(["delete", "pod", pod.metadata.name, "--grace-period=0", "--force"], {
      version: KUBECTL,
    });
    expect(r.code, r.stderr).toBe(0);
    expect((await server.api("GET", `${PODS}/${pod.metadata.name}`)).status).toBe(404);
    expect(agents.get(pod.spec.nodeName)?.reportedGone.has(pod.metadata.uid)).toBe(false);
  });

  it("a second delete shortens the grace period, never lengthens it", async () => {
    const [pod] = await createDs("shorten", "graceful");
    // An agent that takes its time: this pod's deletion must not end before the checks.
    const del = (gracePeriodSeconds: number) =>
      server.send("DELETE", `${PODS}/${pod.metadata.name}`, { body: { gracePeriodSeconds } });
    const first = await del(60);
    expect(first.json.metadata.deletionGracePeriodSeconds).toBe(60);
    const longer = await del(90);
    const shorter = await del(5);
    // An answer may come after the agent's report ended the deletion: then it is a 404.
    if (longer.status === 200) expect(longer.json.metadata.deletionGracePeriodSeconds).toBe(60);
    if (shorter.status === 200) expect(shorter.json.metadata.deletionGracePeriodSeconds).toBe(5);
    expect([longer.status, shorter.status]).not.toContain(0);
  });

  it("a pod on a node whose agent cannot report it gone is deleted at once, as before", async () => {
    const [pod] = await createDs("plain-pod", "plain");
    const r = await server.api("DELETE", `${PODS}/${pod.metadata.name}`);
    expect(r.status).toBe(200);
    expect((await server.api("GET", `${PODS}/${pod.metadata.name}`)).status).toBe(404);
  });
});

describe("DaemonSets", () => {
  it("kubectl delete ds --cascade=foreground returns once every pod is gone from its node", async () => {
    const pods = await createDs("fg", "graceful");
    const started = Date.now();
    const deleting = server.kubectl(["delete", "ds", "fg", "--cascade=foreground"], { version: KUBECTL });
    const marked = await waitFor("the DaemonSet marked", async () => {
      const r = await server.api("GET", `${DS}/fg`);
      return r.body?.metadata?.deletionTimestamp && r.body;
    });
    expect(marked.metadata.finalizers).toEqual(["foregroundDeletion"]);
    const done = await deleting;
    expect(done.code, done.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(GONE_AFTER_MS);
    for (const p of pods) expect(agents.get(p.spec.nodeName)?.reportedGone.has(p.metadata.uid)).toBe(true);
    expect(await podsOf("fg")).toEqual([]);
    expect((await server.api("GET", `${DS}/fg`)).status).toBe(404);
  });

  it("kubectl delete ds (background) returns when the DaemonSet is gone; its pods terminate and go", async () => {
    const pods = await createDs("bg", undefined);
    const r = await server.kubectl(["delete", "ds", "bg"], { version: KUBECTL });
    expect(r.code, r.stderr).toBe(0);
    expect((await server.api("GET", `${DS}/bg`)).status).toBe(404);
    await waitFor("the pods gone", async () => (await podsOf("bg")).length === 0);
    for (const p of pods.filter((x) => x.spec.nodeName !== "plain-1"))
      expect(agents.get(p.spec.nodeName)?.reportedGone.has(p.metadata.uid)).toBe(true);
  });

  it("kubectl delete ds --cascade=orphan leaves the pods running without an owner", async () => {
    const pods = await createDs("orph", "graceful");
    const r = await server.kubectl(["delete", "ds", "orph", "--cascade=orphan"], { version: KUBECTL });
    expect(r.code, r.stderr).toBe(0);
    expect((await server.api("GET", `${DS}/orph`)).status).toBe(404);
    const left = await podsOf("orph");
    expect(left.map((p) => p.metadata.uid).sort()).toEqual(pods.map((p) => p.metadata.uid).sort());
    expect(left.every((p) => !p.metadata.ownerReferences && !p.metadata.deletionTimestamp)).toBe(true);
    // They stay in their nodes' sets, and a DaemonSet made again takes them back.
    expect(
      agents
        .get("graceful-1")
        ?.lastSet()
        .some((p) => p.metadata.labels?.app === "orph"),
    ).toBe(true);
    const again = await server.api(
      "POST",
      DS,
      webDaemonSet("orph", {}, { nodeSelector: { kind: "graceful" } }, 20),
    );
    expect(again.status).toBe(201);
    await waitFor("the pods adopted", async () =>
      (await podsOf("orph")).every((p) => p.metadata.ownerReferences?.[0]?.uid === again.body.metadata.uid),
    );
    expect((await podsOf("orph")).map((p) => p.metadata.uid).sort()).toEqual(
      pods.map((p) => p.metadata.uid).sort(),
    );
  });
});

describe("namespaces and nodes", () => {
  it("kubectl delete namespace returns once its pods are gone; meanwhile it is Terminating", async () => {
    expect((await server.api("POST", "/api/v1/namespaces", { metadata: { name: "team" } })).status).toBe(201);
    await createDs("team-web", "graceful", "team");
    const deleting = server.kubectl(["delete", "namespace", "team"], { version: KUBECTL });
    const ns = await waitFor("the namespace Terminating", async () => {
      const r = await server.api("GET", "/api/v1/namespaces/team");
      return r.body?.status?.phase === "Terminating" && r.body;
    });
    expect(ns.metadata.deletionTimestamp).toBeDefined();
    const late = webDaemonSet("late") as any;
    late.metadata.namespace = "team";
    const refused = await server.api("POST", "/apis/apps/v1/namespaces/team/daemonsets", late);
    expect(refused.status).toBe(403);
    const done = await deleting;
    expect(done.code, done.stderr).toBe(0);
    expect((await server.api("GET", "/api/v1/namespaces/team")).status).toBe(404);
  });

  it("kubectl delete namespace of more objects than a DELETE deletes itself returns once the rest are deleted too", async () => {
    expect((await server.api("POST", "/api/v1/namespaces", { metadata: { name: "many" } })).status).toBe(201);
    // 300 ConfigMaps: the DELETE deletes the first 256 itself, the server's cleaner the rest.
    for (let i = 0; i < 300; i++) {
      const cm = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `cm-${i}` },
        data: { i: String(i) },
      };
      expect((await server.api("POST", "/api/v1/namespaces/many/configmaps", cm)).status).toBe(201);
    }
    const done = await server.kubectl(["delete", "namespace", "many", "--timeout=30s"], { version: KUBECTL });
    expect(done.code, done.stderr).toBe(0);
    expect((await server.api("GET", "/api/v1/namespaces/many")).status).toBe(404);
    expect((await server.api("GET", "/api/v1/namespaces/many/configmaps")).body.items).toEqual([]);
  });

  it("a node deleted takes its terminating pods with it", async () => {
    const credential = await server.register("slow-1", { labels: { kind: "slow" } });
    const slow = await connectScriptedAgent(server.server, server.caPem, "slow-1", credential, 1_000, {
      graceful: { goneAfterMs: 3_600_000 },
      reportReady: true,
    });
    try {
      const ds = webDaemonSet("on-slow", {}, { nodeSelector: { kind: "slow" } }, 20);
      expect((await server.api("POST", DS, ds)).status).toBe(201);
      const [pod] = await waitFor("the pod on slow-1", async () => {
        const pods = await podsOf("on-slow");
        return pods.length === 1 && pods;
      });
      await server.api("DELETE", `${PODS}/${pod.metadata.name}`);
      expect(
        (await server.api("GET", `${PODS}/${pod.metadata.name}`)).body.metadata.deletionTimestamp,
      ).toBeDefined();
      const r = await server.kubectl(["delete", "node", "slow-1"], { version: KUBECTL });
      expect(r.code, r.stderr).toBe(0);
      expect((await server.api("GET", `${PODS}/${pod.metadata.name}`)).status).toBe(404);
      await server.api("DELETE", `${DS}/on-slow`);
    } finally {
      slow.stop();
    }
  });

  it("a terminating pod on a node that went silent is removed after its deadline and the node's grace", async () => {
    const credential = await server.register("lost-1", { labels: { kind: "lost" } });
    const lost = await connectScriptedAgent(server.server, server.caPem, "lost-1", credential, 1_000, {
      graceful: { goneAfterMs: 3_600_000 },
      reportReady: true,
    });
    const ds = webDaemonSet("on-lost", {}, { nodeSelector: { kind: "lost" } }, 1);
    expect((await server.api("POST", DS, ds)).status).toBe(201);
    const [pod] = await waitFor("the pod on lost-1", async () => {
      const pods = await podsOf("on-lost");
      return pods.length === 1 && pods;
    });
    lost.stop();
    await server.api("DELETE", `${PODS}/${pod.metadata.name}`);
    expect((await server.api("GET", `${PODS}/${pod.metadata.name}`)).status).toBe(200);
    await waitFor(
      "the pod removed",
      async () => (await server.api("GET", `${PODS}/${pod.metadata.name}`)).status === 404,
      30_000,
    );
    const node = (await server.nodes()).find((n) => n.metadata.name === "lost-1");
    expect(node.status.conditions.find((c: any) => c.type === "Ready").status).not.toBe("True");
    await server.api("DELETE", `${DS}/on-lost`);
  });
});
