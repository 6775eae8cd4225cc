// Placement end to end, as a user checks it: five Nodes made through the API, a DaemonSet
// with a nodeSelector, an affinity expression and a toleration; exactly the right nodes get
// one pod each, the pods follow label and taint changes, and a `kill -9` of the server
// changes nothing.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { startCluster, waitFor } from "../helpers/cluster.js";

function node(name: string, labels: Record<string, string>, taints: object[] = []): object {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: { taints } };
}

const DAEMONSET = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "exporter", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "exporter" } },
    template: {
      metadata: { labels: { app: "exporter" } },
      spec: {
        nodeSelector: { disk: "ssd" },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] },
              ],
            },
          },
        },
        tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
        containers: [{ name: "exporter", image: "everynode/web:test" }],
      },
    },
  },
};

describe("placement over the API", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ noServerAgent: true, serverArgs: ["--node-startup-grace-period", "10m"] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  async function podNodes(): Promise<string[]> {
    const pods = await cluster.pods("default");
    return pods
      .filter((p) => p.metadata.labels?.app === "exporter")
      .map((p) => p.spec.nodeName as string)
      .sort();
  }

  async function expectPodsOn(nodes: string[]): Promise<void> {
    await waitFor(
      `pods exactly on ${nodes.join(", ")}`,
      async () => (await podNodes()).join() === nodes.join(),
      30_000,
    );
  }

  it("puts one pod on each eligible node and follows changes", async () => {
    const nodes = [
      node("n1", { disk: "ssd", zone: "a" }),
      node("n2", { disk: "ssd", zone: "b" }),
      node("n3", { disk: "hdd", zone: "a" }),
      node("n4", { disk: "ssd", zone: "a" }, [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }]),
      node("n5", { disk: "ssd", zone: "c" }),
    ];
    for (const n of nodes) expect((await cluster.api("POST", "/api/v1/nodes", n)).status).toBe(201);
    const created = await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", DAEMONSET);
    expect(created.status).toBe(201);

    await expectPodsOn(["n1", "n2", "n4"]);
    const pods = (await cluster.pods("default")).filter((p) => p.metadata.labels?.app === "exporter");
    for (const p of pods) {
      expect(p.metadata.ownerReferences[0]).toMatchObject({
        kind: "DaemonSet",
        name: "exporter",
        controller: true,
      });
      expect(p.metadata.labels["controller-revision-hash"]).toMatch(/^[a-z0-9]+$/);
      expect(p.status.phase).toBe("Pending");
    }

    // n3 starts matching; n1 gets an untolerated NoExecute taint; n2 loses its zone label.
    const merge = "application/merge-patch+json";
    expect(
      (
        await cluster.api(
          "PATCH",
          "/api/v1/nodes/n3",
          { metadata: { labels: { disk: "ssd" } } },
          undefined,
          merge,
        )
      ).status,
    ).toBe(200);
    await expectPodsOn(["n1", "n2", "n3", "n4"]);
    const taint = { spec: { taints: [{ key: "maintenance", value: "now", effect: "NoExecute" }] } };
    expect(
      (
        await cluster.api(
          "PATCH",
          "/api/v1/nodes/n1",
          taint,
          undefined,
          "application/strategic-merge-patch+json",
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await cluster.api(
          "PATCH",
          "/api/v1/nodes/n2",
          { metadata: { labels: { zone: null } } },
          undefined,
          merge,
        )
      ).status,
    ).toBe(200);
    await expectPodsOn(["n3", "n4"]);

    // A NoSchedule taint keeps the running pod (misscheduled), as in Kubernetes.
    const noSchedule = { spec: { taints: [{ key: "other", value: "x", effect: "NoSchedule" }] } };
    await cluster.api(
      "PATCH",
      "/api/v1/nodes/n3",
      noSchedule,
      undefined,
      "application/strategic-merge-patch+json",
    );
    await waitFor(
      "status to count n3 as misscheduled",
      async () => {
        const ds = (await cluster.api("GET", "/apis/apps/v1/namespaces/default/daemonsets/exporter")).body;
        return ds.status?.numberMisscheduled === 1 && ds.status?.desiredNumberScheduled === 1;
      },
      30_000,
    );
    expect(await podNodes()).toEqual(["n3", "n4"]);
  });

  it("keeps everything as it was across kill -9 of the server", async () => {
    const before = (await cluster.pods("default"))
      .map((p) => `${p.metadata.name}/${p.metadata.uid}/${p.spec.nodeName}`)
      .sort();
    const dsBefore = (await cluster.api("GET", "/apis/apps/v1/namespaces/default/daemonsets/exporter")).body;
    const tokenBefore = cluster.adminToken;

    await cluster.restartServer();

    expect(cluster.adminToken).toBe(tokenBefore);
    const after = (await cluster.pods("default"))
      .map((p) => `${p.metadata.name}/${p.metadata.uid}/${p.spec.nodeName}`)
      .sort();
    expect(after).toEqual(before);
    const dsAfter = (await cluster.api("GET", "/apis/apps/v1/namespaces/default/daemonsets/exporter")).body;
    expect(dsAfter.metadata.uid).toBe(dsBefore.metadata.uid);
    expect(dsAfter.metadata.generation).toBe(dsBefore.metadata.generation);
    expect(dsAfter.status.desiredNumberScheduled).toBe(dsBefore.status.desiredNumberScheduled);
    expect((await cluster.nodes()).map((n) => n.metadata.name).sort()).toEqual([
      "n1",
      "n2",
      "n3",
      "n4",
      "n5",
    ]);

    // The restarted server keeps reconciling: removing n3's taint makes it eligible again.
    await cluster.api(
      "PATCH",
      "/api/v1/nodes/n4",
      { metadata: { labels: { disk: "hdd" } } },
      undefined,
      "application/merge-patch+json",
    );
    await waitFor("n4's pod to go", async () => (await podNodes()).join() === "n3", 30_000);
  });

  it("refuses requests without a valid token, changing nothing", async () => {
    const count = (await cluster.nodes()).length;
    const anonymous = await cluster.api("POST", "/api/v1/nodes", node("intruder", {}), "");
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ kind: "Status", reason: "Unauthorized", code: 401 });
    const wrong = await cluster.api("GET", "/api/v1/nodes", undefined, "abcdef.0123456789abcdef");
    expect(wrong.status).toBe(401);
    expect((await cluster.api("GET", "/version", undefined, "")).status).toBe(200);
    expect((await cluster.nodes()).length).toBe(count);
  });
});
