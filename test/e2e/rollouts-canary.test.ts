// Rollouts a user steers, on four real nodes: an image change rolls node by node; pause stops
// replacement mid-way and resume finishes it; partition 2 of 4 leaves exactly two nodes on
// the old revision until it is lowered; the selector canary updates only labelled nodes;
// maxSurge with a hostPort is refused. kubectl (1.20 and 1.33) and everynode's CLI both steer.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { run, startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";
import { lines, ok } from "./kubectl-fixtures.js";

const NODES = ["ro-can-0", "ro-can-1", "ro-can-2", "ro-can-3"];
const V2 = "everynode/web:rollouts-v2";
const HASH = "controller-revision-hash";
const DS = "/apis/apps/v1/namespaces/default/daemonsets/fleet";

describe("rollouts a user steers", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-rollouts-"));
  const kubectl = (args: string[], version?: string) => cluster.kubectl(args, { version });
  const ds = async (): Promise<any> => (await cluster.api("GET", DS)).body;
  const hashByNode = async (): Promise<Record<string, string>> => {
    const pods = (await cluster.pods("default")).filter((p) => p.metadata.labels?.app === "fleet");
    return Object.fromEntries(pods.map((p) => [p.spec.nodeName, p.metadata.labels[HASH]]));
  };
  const progressing = async (reason: string): Promise<any> =>
    waitFor(
      `Progressing ${reason}`,
      async () => {
        const d = await ds();
        const c = d.status?.conditions?.find((x: any) => x.type === "Progressing");
        return d.status?.observedGeneration === d.metadata.generation && c?.reason === reason ? d : undefined;
      },
      60_000,
    );
  const mergePatch = (body: unknown, version?: string) =>
    kubectl(["patch", "ds", "fleet", "--type=merge", "-p", JSON.stringify(body)], version);
  // A new template, so a new revision.
  const setEnv = (value: string) => kubectl(["set", "env", "ds/fleet", `VERSION=${value}`]);

  beforeAll(async () => {
    ok(await run("docker", ["tag", TEST_IMAGE, V2]), "docker tag");
    cluster = await startCluster({
      serverNodeName: NODES[0],
      agents: NODES.slice(1).map((name, i) => ({ name, labels: i >= 1 ? ["canary=yes"] : [] })),
    });
    const manifest = webDaemonSet("fleet", {
      readinessProbe: { exec: { command: ["true"] }, periodSeconds: 1 },
    });
    (manifest.spec as any).minReadySeconds = 1;
    const created = await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", manifest);
    expect(created.status, created.text).toBe(201);
    await progressing("RolloutComplete");
  });
  afterAll(async () => {
    await cluster?.stop();
    await run("docker", ["rmi", V2]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("an image change rolls node by node", async () => {
    ok(await kubectl(["set", "image", "ds/fleet", `main=${V2}`]));
    const out = lines(ok(await kubectl(["rollout", "status", "ds/fleet", "--timeout=90s"])));
    expect(out.at(-1)).toBe('daemon set "fleet" successfully rolled out');
    for (const n of [1, 2, 3])
      expect(out).toContain(
        `Waiting for daemon set "fleet" rollout to finish: ${n} out of 4 new pods have been updated...`,
      );
    const d = await ds();
    expect(new Set(Object.values(await hashByNode()))).toEqual(new Set([d.status.rollout.updateHash]));
    expect(d.status.rollout).toMatchObject({
      updateRevision: 2,
      stableRevision: 2,
      updatedNodes: 4,
      oldNodes: 0,
    });
  });

  it("pause stops replacement mid-way; resume finishes it (everynode's CLI)", async () => {
    ok(await setEnv("pause"));
    await waitFor(
      "a first node updated",
      async () => ((await ds()).status?.updatedNumberScheduled ?? 0) >= 1,
    );
    expect(ok(await cluster.everynode(["rollout", "pause", "ds/fleet"]))).toBe(
      "daemonset.apps/fleet paused\n",
    );
    const paused = await progressing("RolloutPaused");
    // The node in flight finishes; then nothing moves.
    await new Promise((r) => setTimeout(r, 4_000));
    const held = await ds();
    expect(held.status.updatedNumberScheduled).toBeLessThanOrEqual(paused.status.updatedNumberScheduled + 1);
    expect(held.status.rollout.oldNodes).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await ds()).status.updatedNumberScheduled).toBe(held.status.updatedNumberScheduled);
    const waiting = await cluster.everynode(["rollout", "status", "ds/fleet", "--watch=false"]);
    expect(waiting.stdout).toMatch(
      /paused with \d out of 4 new pods updated \(resume: everynode rollout resume ds\/fleet\)/,
    );

    expect(ok(await cluster.everynode(["rollout", "resume", "ds/fleet"]))).toBe(
      "daemonset.apps/fleet resumed\n",
    );
    const status = await cluster.everynode(["rollout", "status", "ds/fleet", "--timeout=60s"]);
    expect(status.code, status.stderr).toBe(0);
    expect(lines(status.stdout).at(-1)).toBe('daemon set "fleet" successfully rolled out');
  });

  it("partition 2 of 4 keeps exactly two nodes on the old revision until lowered (kubectl 1.20 patch)", async () => {
    const before = (await ds()).status.rollout.updateHash;
    ok(await mergePatch({ spec: { updateStrategy: { rollingUpdate: { partition: 2 } } } }, "1.20"));
    ok(await setEnv("partition"));
    const at = await progressing("WaitingForPartition");
    const hashes = await hashByNode();
    // Canary order: by node name.
    expect(hashes).toEqual({
      [NODES[0] as string]: at.status.rollout.updateHash,
      [NODES[1] as string]: at.status.rollout.updateHash,
      [NODES[2] as string]: before,
      [NODES[3] as string]: before,
    });
    expect(at.status.rollout).toMatchObject({ heldBackNodes: 2, updatedNodes: 2, oldNodes: 2 });
    const status = await cluster.everynode(["rollout", "status", "ds/fleet"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /^partitioned roll out complete: 2 out of 4 new pods have been updated; 2 held back on revision \d+ by the partition or selector$/m,
    );
    expect(status.stdout).toMatch(/^\d+\s+old \(stable\)\s+2\s+2\s+ro-can-2,ro-can-3$/m);

    ok(await mergePatch({ spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }, "1.33"));
    const done = await progressing("RolloutComplete");
    expect(new Set(Object.values(await hashByNode()))).toEqual(new Set([done.status.rollout.updateHash]));
  });

  it("the selector canary updates only labelled nodes", async () => {
    const before = (await ds()).status.rollout.updateHash;
    ok(
      await mergePatch({
        spec: { updateStrategy: { rollingUpdate: { selector: { matchLabels: { canary: "yes" } } } } },
      }),
    );
    ok(await setEnv("selector"));
    const at = await progressing("WaitingForPartition");
    expect(await hashByNode()).toEqual({
      [NODES[0] as string]: before,
      [NODES[1] as string]: before,
      [NODES[2] as string]: at.status.rollout.updateHash,
      [NODES[3] as string]: at.status.rollout.updateHash,
    });
    ok(await mergePatch({ spec: { updateStrategy: { rollingUpdate: { selector: null } } } }));
    await progressing("RolloutComplete");
  });

  it.each(["1.20", "1.33"])(
    "kubectl %s: history, undo, status, and explain of the new fields",
    async (version) => {
      const history = lines(ok(await kubectl(["rollout", "history", "ds/fleet"], version)));
      expect(history[1]).toMatch(/^REVISION\s+CHANGE-CAUSE$/);
      expect(ok(await kubectl(["rollout", "undo", "ds/fleet"], version))).toBe(
        "daemonset.apps/fleet rolled back\n",
      );
      const out = lines(ok(await kubectl(["rollout", "status", "ds/fleet", "--timeout=60s"], version)));
      expect(out.at(-1)).toBe('daemon set "fleet" successfully rolled out');
      const explain = await kubectl(
        ["explain", "daemonset.spec.updateStrategy.rollingUpdate.partition"],
        version,
      );
      // kubectl 1.20 explains from OpenAPI v2, 1.33 from v3: both carry the DaemonSet's overlay.
      expect(explain.code, explain.stderr).toBe(0);
      expect(explain.stdout).toMatch(/how many desired nodes keep the stable revision/);
    },
  );

  it("maxSurge with a hostPort is refused, naming the field", async () => {
    const file = path.join(dir, "surge.json");
    const manifest = webDaemonSet("surge", { ports: [{ containerPort: 80, hostPort: 18080 }] });
    (manifest.spec as any).updateStrategy = {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    };
    writeFileSync(file, JSON.stringify(manifest));
    const r = await kubectl(["create", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'The DaemonSet "surge" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when spec.template.spec.containers[0].ports[0].hostPort is set',
    );
    const mine = await cluster.everynode(["create", "-f", file]);
    expect(mine.code).toBe(1);
    expect(mine.stderr).toContain("spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1");
  });
});
