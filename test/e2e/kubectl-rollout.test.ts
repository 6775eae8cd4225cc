// kubectl rollout against everynode with the real kubectl: status (progress lines, then
// success) through a rolling update across three nodes, history and undo (they use
// ControllerRevisions), the Killing events of replaced pods, and delete ds waiting until
// the DaemonSet is gone.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { run, startCluster, waitFor } from "../helpers/cluster.js";
import { KUBECTL_CLUSTER, lines, ok, writeManifest } from "./kubectl-fixtures.js";

const V2 = "everynode/web:v2";
const HASH = "controller-revision-hash";

describe("kubectl rollout of a DaemonSet", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-kubectl-rollout-"));
  const kubectl = (args: string[], version?: string) => cluster.kubectl(args, { version });
  const manifest = (image?: string): string =>
    writeManifest(dir, "web.yaml", { name: "web", image, tolerateControlPlane: true, minReadySeconds: 2 });
  const webPods = async (): Promise<any[]> =>
    (await cluster.pods("default")).filter((p) => p.metadata.labels?.app === "web");
  const hashes = async (): Promise<string[]> =>
    [...new Set((await webPods()).map((p) => p.metadata.labels?.[HASH] as string))].sort();
  const revisionHash = async (revision: number): Promise<string> => {
    const list = (await cluster.api("GET", "/apis/apps/v1/namespaces/default/controllerrevisions")).body;
    const rev = list.items.find((r: any) => r.revision === revision);
    return rev?.metadata.labels?.[HASH] ?? "";
  };

  beforeAll(async () => {
    ok(await run("docker", ["tag", "everynode/web:test", V2]), "docker tag");
    cluster = await startCluster(KUBECTL_CLUSTER);
  });
  afterAll(async () => {
    await cluster?.stop();
    await run("docker", ["rmi", V2]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("rollout status prints progress, then success, on all three nodes", async () => {
    expect(ok(await kubectl(["apply", "-f", manifest()]))).toBe("daemonset.apps/web created\n");
    const out = ok(await kubectl(["rollout", "status", "ds/web", "--timeout=90s"]));
    const all = lines(out);
    expect(all.at(-1)).toBe('daemon set "web" successfully rolled out');
    expect(all.slice(0, -1).length).toBeGreaterThan(0);
    for (const l of all.slice(0, -1)) {
      expect(l).toMatch(
        /^Waiting for daemon set "web" rollout to finish: (\d+ out of 3 new pods have been updated|\d+ of 3 updated pods are available)\.\.\.$/,
      );
    }
    expect((await webPods()).map((p) => p.spec.nodeName).sort()).toEqual(["master", "worker-1", "worker-2"]);
  });

  it("a new image rolls out one node at a time; every pod ends on the new revision", async () => {
    const before = await hashes();
    expect(before).toHaveLength(1);
    expect(ok(await kubectl(["apply", "-f", manifest(V2)]))).toBe("daemonset.apps/web configured\n");
    const out = ok(await kubectl(["rollout", "status", "ds/web", "--timeout=120s"]));
    const all = lines(out);
    expect(all.at(-1)).toBe('daemon set "web" successfully rolled out');
    expect(all).toContain(
      'Waiting for daemon set "web" rollout to finish: 1 out of 3 new pods have been updated...',
    );
    expect(all).toContain(
      'Waiting for daemon set "web" rollout to finish: 2 out of 3 new pods have been updated...',
    );
    const newHash = await revisionHash(2);
    expect(newHash).not.toBe("");
    expect(newHash).not.toBe(before[0]);
    await waitFor("three pods, all of the new revision", async () => {
      const pods = await webPods();
      return pods.length === 3 && pods.every((p) => p.metadata.labels?.[HASH] === newHash);
    });
    const images = ok(
      await kubectl([
        "get",
        "pods",
        "-l",
        "app=web",
        "-o",
        'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}',
      ]),
    );
    expect(lines(images)).toEqual([V2, V2, V2]);
    // The control plane records the kubelet's Killing for each replaced pod's container.
    const killing = ok(await kubectl(["get", "events", "--field-selector", "reason=Killing"]));
    expect(lines(killing).slice(1)).toHaveLength(3);
    for (const l of lines(killing).slice(1))
      expect(l).toMatch(/Normal\s+Killing\s+pod\/web-\w+\s+Stopping container web$/);
  });

  it("rollout history lists the revisions; rollout undo goes back to the previous one", async () => {
    const history = ok(await kubectl(["rollout", "history", "ds/web"]));
    expect(lines(history)).toEqual([
      "daemonset.apps/web",
      "REVISION  CHANGE-CAUSE",
      "1         <none>",
      "2         <none>",
    ]);
    const second = ok(await kubectl(["rollout", "history", "ds/web", "--revision=2"]));
    expect(second).toMatch(/^daemonset\.apps\/web with revision #2$/m);
    expect(second).toMatch(/Image:\s+everynode\/web:v2/);

    expect(ok(await kubectl(["rollout", "undo", "ds/web"]))).toBe("daemonset.apps/web rolled back\n");
    expect(lines(ok(await kubectl(["rollout", "status", "ds/web", "--timeout=120s"]))).at(-1)).toBe(
      'daemon set "web" successfully rolled out',
    );
    expect(
      ok(await kubectl(["get", "ds", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])),
    ).toBe("everynode/web:test");
    // Undo re-uses revision 1's template, renumbered as revision 3.
    const oldHash = await revisionHash(3);
    await waitFor("three pods of the restored revision", async () => {
      const pods = await webPods();
      return pods.length === 3 && pods.every((p) => p.metadata.labels?.[HASH] === oldHash);
    });
    expect(lines(ok(await kubectl(["rollout", "history", "ds/web"]))).slice(2)).toEqual([
      "2         <none>",
      "3         <none>",
    ]);
  });

  it("rollout status and history with kubectl 1.29 and 1.33", async () => {
    for (const version of ["1.29", "1.33"]) {
      expect(lines(ok(await kubectl(["rollout", "status", "ds/web", "--timeout=60s"], version))).at(-1)).toBe(
        'daemon set "web" successfully rolled out',
      );
      expect(lines(ok(await kubectl(["rollout", "history", "ds/web"], version)))[0]).toBe(
        "daemonset.apps/web",
      );
    }
  });

  it("delete ds waits until it is gone; its pods and containers follow", async () => {
    const pods = (await webPods()).map((p) => p.metadata.name as string);
    expect(ok(await kubectl(["delete", "ds", "web"]))).toBe('daemonset.apps "web" deleted\n');
    expect((await kubectl(["get", "ds", "web"])).stderr).toContain('daemonsets.apps "web" not found');
    await waitFor("the pods to go", async () => (await webPods()).length === 0);
    await waitFor("the containers to go", async () => (await cluster.containers()).length === 0, 60_000);
    const killing = ok(await kubectl(["get", "events", "--field-selector", "reason=Killing"]));
    for (const p of pods)
      expect(killing).toMatch(new RegExp(`Killing\\s+pod/${p}\\s+Stopping container web`));
  });
});
