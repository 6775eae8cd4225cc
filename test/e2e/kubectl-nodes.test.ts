// kubectl's node and pod commands against everynode with the real kubectl: describe node,
// ds and pod (with their events), taint, label, annotate, cordon, uncordon, drain, logs,
// get events; and NodeNotReady when an agent dies (short grace period and heartbeats).

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { kubectlPath, run, startCluster, waitFor } from "../helpers/cluster.js";
import { KUBECTL_CLUSTER, lines, ok, row, writeManifest } from "./kubectl-fixtures.js";

describe("kubectl node and pod commands", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-kubectl-nodes-"));
  const kubectl = (args: string[], version?: string) => cluster.kubectl(args, { version });
  const podOn = async (node: string, app = "talker"): Promise<string> => {
    const pods = await cluster.pods("default");
    const p = pods.find((x) => x.metadata.labels?.app === app && x.spec.nodeName === node);
    return (p?.metadata.name as string | undefined) ?? "";
  };

  beforeAll(async () => {
    cluster = await startCluster({
      ...KUBECTL_CLUSTER,
      serverArgs: ["--node-monitor-grace-period", "5s", "--heartbeat-interval", "1s"],
    });
    ok(await kubectl(["apply", "-f", writeManifest(dir, "talker.yaml", { name: "talker", counter: true })]));
    ok(await kubectl(["rollout", "status", "ds/talker", "--timeout=90s"]));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([undefined, "1.29", "1.33"])(
    "describe node shows everything a user looks for (kubectl %s)",
    async (version) => {
      const pod = await podOn("worker-1");
      const out = ok(await kubectl(["describe", "node", "worker-1"], version));
      expect(out).toMatch(/^Name:\s+worker-1$/m);
      expect(out).toMatch(/^Roles:\s+<none>$/m);
      expect(out).toMatch(/^Labels:\s+.*kubernetes\.io\/arch=/m);
      expect(out).toMatch(/kubernetes\.io\/hostname=worker-1/);
      expect(out).toMatch(/^Taints:\s+<none>$/m);
      expect(out).toMatch(/^Unschedulable:\s+false$/m);
      expect(out).toMatch(/^\s+Ready\s+True\s.*KubeletReady\s+kubelet is posting ready status/m);
      expect(out).toMatch(/^Addresses:\n\s+InternalIP:\s+\S+/m);
      expect(out).toMatch(/^Capacity:\n\s+cpu:\s+\d+\n\s+memory:\s+\d+Ki\n\s+pods:\s+110/m);
      expect(out).toMatch(/^System Info:\n\s+Machine ID:/m);
      expect(out).toMatch(/Container Runtime Version:\s+docker:\/\//);
      expect(out).toMatch(/Kubelet Version:\s+v1\.32\./);
      expect(out).toMatch(/^Non-terminated Pods:\s+\(1 in total\)$/m);
      expect(out).toMatch(new RegExp(`^\\s+default\\s+${pod}\\s+0 \\(0%\\)`, "m"));
      expect(out).toMatch(
        /Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node worker-1 event: Registered Node worker-1 in Controller/,
      );
      expect(out).not.toMatch(/RegisteredNode\s+\S+ \(x2/);
      expect(out).toMatch(
        /Normal\s+NodeReady\s+\S+\s+node-controller\s+Node worker-1 status is now: NodeReady/,
      );
      const master = ok(await kubectl(["describe", "node", "master"], version));
      expect(master).toMatch(/^Roles:\s+control-plane$/m);
      expect(master).toMatch(/^Taints:\s+node-role\.kubernetes\.io\/control-plane:NoSchedule$/m);
      expect(master).toMatch(/^Non-terminated Pods:\s+\(0 in total\)$/m);
    },
  );

  it("describe ds and describe pod show their events", async () => {
    const ds = ok(await kubectl(["describe", "ds", "talker"]));
    expect(ds).toMatch(/^Desired Number of Nodes Scheduled: 2$/m);
    expect(ds).toMatch(/^Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    const pod = await podOn("worker-2");
    expect(ds).toMatch(
      new RegExp(`Normal\\s+SuccessfulCreate\\s+\\S+\\s+daemonset-controller\\s+Created pod: ${pod}`),
    );
    const described = ok(await kubectl(["describe", "pod", pod]));
    expect(described).toMatch(/^Node:\s+worker-2\//m);
    expect(described).toMatch(/^Status:\s+Running$/m);
    expect(described).toMatch(/^Controlled By:\s+DaemonSet\/talker$/m);
    expect(described).toMatch(
      new RegExp(
        `Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${pod} to worker-2`,
      ),
    );
    // Both containers' Pulled events have the same message; everynode folds them into one
    // ("x2"), where Kubernetes keeps one per container (its fold key has the fieldPath).
    expect(described).toMatch(
      /Normal\s+Pulled\s+.*kubelet\s+Container image "everynode\/web:test" already present on machine/,
    );
    for (const c of ["web", "counter"]) {
      expect(described).toMatch(new RegExp(`Normal\\s+Created\\s+\\S+\\s+kubelet\\s+Created container ${c}`));
      expect(described).toMatch(new RegExp(`Normal\\s+Started\\s+\\S+\\s+kubelet\\s+Started container ${c}`));
    }
  });

  it("taint, untaint, label, unlabel, annotate", async () => {
    expect(ok(await kubectl(["taint", "nodes", "worker-1", "dedicated=ops:NoSchedule"]))).toBe(
      "node/worker-1 tainted\n",
    );
    expect(ok(await kubectl(["describe", "node", "worker-1"]))).toMatch(
      /^Taints:\s+dedicated=ops:NoSchedule$/m,
    );
    // A new NoSchedule taint keeps the running daemon pod, as in Kubernetes.
    expect(await podOn("worker-1")).not.toBe("");
    expect(ok(await kubectl(["taint", "nodes", "worker-1", "dedicated:NoSchedule-"]))).toBe(
      "node/worker-1 untainted\n",
    );
    expect(ok(await kubectl(["describe", "node", "worker-1"]))).toMatch(/^Taints:\s+<none>$/m);

    expect(ok(await kubectl(["label", "nodes", "worker-1", "disk=ssd"]))).toBe("node/worker-1 labeled\n");
    expect(lines(ok(await kubectl(["get", "nodes", "-l", "disk=ssd", "-o", "name"])))).toEqual([
      "node/worker-1",
    ]);
    expect(ok(await kubectl(["label", "nodes", "worker-1", "disk-"]))).toBe("node/worker-1 unlabeled\n");
    expect((await kubectl(["get", "nodes", "-l", "disk=ssd"])).stderr).toBe("No resources found\n");

    expect(ok(await kubectl(["annotate", "node", "worker-2", "rack=r7"]))).toBe("node/worker-2 annotated\n");
    expect(
      ok(await kubectl(["get", "node", "worker-2", "-o", "jsonpath={.metadata.annotations.rack}"])),
    ).toBe("r7");
  });

  it("cordon, uncordon and drain --ignore-daemonsets (kubectl 1.32 and 1.29)", async () => {
    for (const version of [undefined, "1.29"]) {
      expect(ok(await kubectl(["cordon", "worker-1"], version))).toBe("node/worker-1 cordoned\n");
      expect(row(ok(await kubectl(["get", "nodes"])), "worker-1")?.[1]).toBe("Ready,SchedulingDisabled");
      expect(ok(await kubectl(["uncordon", "worker-1"], version))).toBe("node/worker-1 uncordoned\n");
      expect(row(ok(await kubectl(["get", "nodes"])), "worker-1")?.[1]).toBe("Ready");
    }
    const pod = await podOn("worker-2");
    const drain = await kubectl(["drain", "worker-2", "--ignore-daemonsets", "--timeout=60s"]);
    expect(drain.code, drain.stderr).toBe(0);
    expect(drain.stdout).toBe("node/worker-2 cordoned\nnode/worker-2 drained\n");
    expect(drain.stderr).toContain(`Warning: ignoring DaemonSet-managed Pods: default/${pod}`);
    expect(row(ok(await kubectl(["get", "nodes"])), "worker-2")?.[1]).toBe("Ready,SchedulingDisabled");
    // The DaemonSet pod stays on the cordoned node.
    expect(await podOn("worker-2")).toBe(pod);
    const without = await kubectl(["drain", "worker-2"]);
    expect(without.code).not.toBe(0);
    expect(without.stderr).toContain("cannot delete DaemonSet-managed Pods");
    expect(ok(await kubectl(["uncordon", "worker-2"]))).toBe("node/worker-2 uncordoned\n");
  });

  it("logs, with -c, --tail and -f", async () => {
    const pod = await podOn("worker-1");
    await waitFor(
      "a few lines of output",
      async () => lines((await kubectl(["logs", pod, "-c", "counter"])).stdout).length >= 4,
    );
    const all = lines(ok(await kubectl(["logs", pod, "-c", "counter"])));
    expect(all.slice(0, 3)).toEqual(["line 1", "line 2", "line 3"]);
    const tail = lines(ok(await kubectl(["logs", pod, "-c", "counter", "--tail=2"])));
    expect(tail).toHaveLength(2);
    expect(tail[1]).toMatch(/^line \d+$/);
    const defaulted = await kubectl(["logs", pod]);
    expect(defaulted.code).toBe(0);
    expect(defaulted.stderr).toContain('Defaulted container "web" out of: web, counter');
    const wrong = await kubectl(["logs", pod, "-c", "nope"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`container nope is not valid for pod ${pod}`);
    // -f keeps printing new lines until killed.
    const cache = path.join(cluster.dataDir, "kubectl-cache-default");
    const base = ["--kubeconfig", cluster.kubeconfig, "--cache-dir", cache];
    const followed = await run(kubectlPath(), [...base, "logs", "-f", pod, "-c", "counter", "--tail=1"], {
      timeoutMs: 4000,
    });
    const numbers = lines(followed.stdout).map((l) => Number(/^line (\d+)$/.exec(l)?.[1]));
    expect(numbers.length, followed.stdout).toBeGreaterThanOrEqual(4);
    expect(numbers.every((n, i) => i === 0 || n === (numbers[i - 1] ?? 0) + 1)).toBe(true);
  });

  it("get events, all and by involved object kind", async () => {
    const events = ok(await kubectl(["get", "events"]));
    expect(lines(events)[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(events).toMatch(/Normal\s+SuccessfulCreate\s+daemonset\/talker\s+Created pod: talker-/);
    expect(events).toMatch(/Normal\s+Started\s+pod\/talker-\w+\s+Started container counter/);
    const nodeEvents = ok(await kubectl(["get", "events", "--field-selector", "involvedObject.kind=Node"]));
    const reasons = lines(nodeEvents)
      .slice(1)
      .map((l) => l.split(/\s+/).slice(2, 4).join(" "));
    expect(new Set(reasons)).toEqual(
      new Set([
        "NodeReady node/master",
        "NodeReady node/worker-1",
        "NodeReady node/worker-2",
        "RegisteredNode node/master",
        "RegisteredNode node/worker-1",
        "RegisteredNode node/worker-2",
      ]),
    );
  });

  it("records NodeNotReady when an agent dies and the grace period passes", async () => {
    cluster.killAgent("worker-2");
    await waitFor(
      "worker-2 NotReady",
      async () => row((await kubectl(["get", "nodes"])).stdout, "worker-2")?.[1] === "NotReady",
      30_000,
    );
    const events = ok(
      await kubectl([
        "get",
        "events",
        "--field-selector",
        "involvedObject.kind=Node,involvedObject.name=worker-2",
      ]),
    );
    expect(events).toMatch(
      /Normal\s+NodeNotReady\s+node\/worker-2\s+Node worker-2 status is now: NodeNotReady/,
    );
    const described = ok(await kubectl(["describe", "node", "worker-2"]));
    expect(described).toMatch(
      /^Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute\n\s+node\.kubernetes\.io\/unreachable:NoSchedule$/m,
    );
    expect(described).toMatch(/Ready\s+Unknown\s.*NodeStatusUnknown\s+Kubelet stopped posting node status\./);
  });
});
