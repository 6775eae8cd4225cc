// Rollouts that go wrong, on real agents and Docker: a new version whose readiness probe
// never passes is stopped within the budget (auto-pause, and `everynode rollout status` fails
// with the reason); past the progress deadline the automatic rollback restores the old
// revision on every node; with a node Unknown the rollout still completes on the others.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { startCluster, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";

const NODES = ["ro-fail-0", "ro-fail-1", "ro-fail-2"];
const HASH = "controller-revision-hash";
const DS_PATH = "/apis/apps/v1/namespaces/default/daemonsets";

/** A DaemonSet whose pods turn Ready only when `ready` (the probe looks for /tmp/ready). */
function probed(name: string, rollingUpdate: Record<string, unknown>): Record<string, unknown> {
  const ds = webDaemonSet(
    name,
    {
      command: ["sh", "-c", 'if [ "$READY" = yes ]; then touch /tmp/ready; fi; exec sleep 3600'],
      env: [{ name: "READY", value: "yes" }],
      readinessProbe: { exec: { command: ["test", "-f", "/tmp/ready"] }, periodSeconds: 1 },
    },
    {},
    1,
  );
  (ds.spec as Record<string, unknown>).updateStrategy = { type: "RollingUpdate", rollingUpdate };
  return ds;
}

describe("rollouts that fail", () => {
  let cluster: Cluster;
  const ds = async (name: string): Promise<any> => (await cluster.api("GET", `${DS_PATH}/${name}`)).body;
  const podsOf = async (name: string): Promise<any[]> =>
    (await cluster.pods("default")).filter((p) => p.metadata.labels?.app === name);
  const patch = async (name: string, body: unknown): Promise<void> => {
    const r = await cluster.api(
      "PATCH",
      `${DS_PATH}/${name}`,
      body,
      undefined,
      "application/merge-patch+json",
    );
    expect(r.status, r.text).toBe(200);
  };
  // merge-patch replaces lists: the whole container goes in.
  const container = (name: string, ready: string): unknown => {
    const c = (probed(name, {}).spec as any).template.spec.containers[0];
    return {
      spec: { template: { spec: { containers: [{ ...c, env: [{ name: "READY", value: ready }] }] } } },
    };
  };
  const available = (p: any): boolean =>
    !p.metadata.deletionTimestamp &&
    (p.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
  const rolledOut = async (name: string): Promise<any> =>
    waitFor(
      `${name} rolled out`,
      async () => {
        const d = await ds(name);
        const progressing = d.status?.conditions?.find((c: any) => c.type === "Progressing");
        return d.status?.observedGeneration === d.metadata.generation &&
          progressing?.reason === "RolloutComplete"
          ? d
          : undefined;
      },
      60_000,
    );

  beforeAll(async () => {
    cluster = await startCluster({
      serverNodeName: NODES[0],
      agents: NODES.slice(1).map((name) => ({ name })),
      serverArgs: ["--node-monitor-grace-period", "4s", "--heartbeat-interval", "1s"],
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("a readiness probe that never passes: one node at most, auto-paused, rollout status fails", async () => {
    const name = "never-ready";
    const created = await cluster.api(
      "POST",
      DS_PATH,
      probed(name, { maxUnavailable: 1, autoPause: { maxNotReadySeconds: 4 } }),
    );
    expect(created.status, created.text).toBe(201);
    await rolledOut(name);
    await patch(name, container(name, "no"));

    // The controller pauses the rollout itself, with the reason in the condition.
    const paused = await waitFor(
      "auto-pause",
      async () => {
        const d = await ds(name);
        const c = d.status?.conditions?.find((x: any) => x.type === "Progressing");
        return c?.reason === "AutoPaused" ? d : undefined;
      },
      40_000,
    );
    expect(paused.spec.updateStrategy.rollingUpdate.paused).toBe(true);
    expect(paused.status.conditions.find((c: any) => c.type === "Progressing").message).toMatch(
      /not Ready for more than 4s/,
    );
    // Within the budget: exactly one node lost its available pod, the two others kept theirs.
    const pods = await podsOf(name);
    expect(pods).toHaveLength(3);
    expect(pods.filter(available)).toHaveLength(2);
    expect(pods.filter((p) => p.metadata.labels[HASH] === paused.status.rollout.updateHash)).toHaveLength(1);

    const status = await cluster.everynode(["rollout", "status", `ds/${name}`, "--timeout=20s"]);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(
      /^error: daemon set "never-ready" rollout failed: AutoPaused: rollout paused: pod never-ready-\w+ on node ro-fail-\d: not Ready for more than 4s/m,
    );
    expect(status.stdout).toMatch(/^REVISION\s+PODS\s+NODES\s+AVAILABLE\s+NODE NAMES$/m);
    expect(status.stdout).toMatch(/^2\s+new\s+1\s+0\s+ro-fail-\d$/m);
    expect(status.stdout).toMatch(/^1\s+old \(stable\)\s+2\s+2\s+/m);

    // A fixed template lifts the controller's pause by itself and finishes.
    await patch(name, container(name, "yes"));
    const done = await rolledOut(name);
    expect(done.spec.updateStrategy.rollingUpdate.paused).toBe(false);
    expect((await podsOf(name)).filter(available)).toHaveLength(3);
    await cluster.api("DELETE", `${DS_PATH}/${name}`);
  });

  it("past the progress deadline, the automatic rollback restores the old revision on every node", async () => {
    const name = "deadline";
    const created = await cluster.api(
      "POST",
      DS_PATH,
      probed(name, {
        maxUnavailable: 1,
        progressDeadlineSeconds: 6,
        autoRollback: true,
        autoPause: { enabled: false },
      }),
    );
    expect(created.status, created.text).toBe(201);
    const before = await rolledOut(name);
    const oldHash = before.status.rollout.updateHash;
    await patch(name, container(name, "no"));
    const watching = cluster.everynode(["rollout", "status", `ds/${name}`, "--timeout=60s"]);

    const event = await waitFor(
      "the RolledBack event",
      async () => {
        const events = (await cluster.api("GET", "/api/v1/namespaces/default/events")).body.items ?? [];
        return events.find((e: any) => e.reason === "RolledBack" && e.involvedObject.name === name);
      },
      40_000,
    );
    expect(event.type).toBe("Warning");
    expect(event.message).toMatch(
      /^Rolled back to revision 1, the last one available on every node: revision 2 made no progress for 6s/,
    );

    const after = await rolledOut(name);
    expect(after.spec.template.spec.containers[0].env).toEqual([{ name: "READY", value: "yes" }]);
    expect(after.status.rollout.stop).toMatchObject({
      reason: "ProgressDeadlineExceeded",
      rolledBackTo: oldHash,
    });
    await waitFor("every node back on the old revision", async () => {
      const pods = await podsOf(name);
      return pods.length === 3 && pods.every((p) => p.metadata.labels[HASH] === oldHash && available(p));
    });
    const status = await watching;
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(
      /rollout failed: ProgressDeadlineExceeded: revision 2 made no progress for 6s: .*; rolled back to revision 1/,
    );
    await cluster.api("DELETE", `${DS_PATH}/${name}`);
  });

  it("with a node Unknown, the rollout still completes on the others", async () => {
    const name = "one-down";
    const created = await cluster.api("POST", DS_PATH, probed(name, { maxUnavailable: 1 }));
    expect(created.status, created.text).toBe(201);
    const before = await rolledOut(name);
    const oldHash = before.status.rollout.updateHash;
    cluster.killAgent(NODES[2] as string);
    await waitFor(
      "the node Unknown",
      async () => {
        const node = (await cluster.nodes()).find((n) => n.metadata.name === NODES[2]);
        return node?.status?.conditions?.find((c: any) => c.type === "Ready")?.status === "Unknown";
      },
      30_000,
    );
    await patch(name, { spec: { template: { metadata: { annotations: { version: "2" } } } } });
    const done = await rolledOut(name);
    const newHash = done.status.rollout.updateHash;
    expect(newHash).not.toBe(oldHash);
    const pods = await podsOf(name);
    const byNode = Object.fromEntries(pods.map((p) => [p.spec.nodeName, p.metadata.labels[HASH]]));
    expect(byNode).toEqual({
      [NODES[0] as string]: newHash,
      [NODES[1] as string]: newHash,
      [NODES[2] as string]: oldHash,
    });
    const status = await cluster.kubectl(["rollout", "status", `ds/${name}`, "--timeout=10s"]);
    expect(status.stdout.trim().split("\n").at(-1)).toBe(`daemon set "${name}" successfully rolled out`);
  });
});
