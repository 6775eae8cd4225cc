// kubectl's object commands against everynode with the real kubectl (1.32 by default, spot
// checks with 1.29 and 1.33): apply (created, unchanged, configured, server-side), create,
// replace, edit, annotate, delete, every get output, watches, namespaces, discovery,
// explain.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { startCluster, waitFor } from "../helpers/cluster.js";
import { KUBECTL_CLUSTER, lines, ok, row, writeManifest } from "./kubectl-fixtures.js";

describe("kubectl object commands", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-kubectl-get-"));
  const kubectl = (args: string[], version?: string) => cluster.kubectl(args, { version });
  const webPods = async (): Promise<string[]> =>
    (await cluster.pods("default"))
      .filter((p) => p.metadata.labels?.app === "web" && p.status?.phase === "Running")
      .map((p) => p.metadata.name as string)
      .sort();

  beforeAll(async () => {
    cluster = await startCluster(KUBECTL_CLUSTER);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("apply creates, leaves unchanged, configures, and applies server-side", async () => {
    const file = writeManifest(dir, "web.yaml", { name: "web" });
    expect(ok(await kubectl(["apply", "-f", file]))).toBe("daemonset.apps/web created\n");
    expect(ok(await kubectl(["apply", "-f", file]))).toBe("daemonset.apps/web unchanged\n");
    writeManifest(dir, "web.yaml", { name: "web", labels: { tier: "front" } });
    expect(ok(await kubectl(["apply", "-f", file]))).toBe("daemonset.apps/web configured\n");
    const annotations = JSON.parse(ok(await kubectl(["get", "ds", "web", "-o", "json"]))).metadata
      .annotations;
    expect(
      JSON.parse(annotations["kubectl.kubernetes.io/last-applied-configuration"]).metadata.labels,
    ).toEqual({
      app: "web",
      tier: "front",
    });
    const ssa = writeManifest(dir, "ssa.yaml", { name: "ssa" });
    expect(ok(await kubectl(["apply", "--server-side", "-f", ssa]))).toBe(
      "daemonset.apps/ssa serverside-applied\n",
    );
    expect(ok(await kubectl(["apply", "--server-side", "-f", ssa]))).toBe(
      "daemonset.apps/ssa serverside-applied\n",
    );
    writeManifest(dir, "ssa.yaml", { name: "ssa", labels: { via: "ssa" } });
    expect(ok(await kubectl(["apply", "--server-side", "-f", ssa]))).toBe(
      "daemonset.apps/ssa serverside-applied\n",
    );
    expect(ok(await kubectl(["get", "ds", "ssa", "-o", "jsonpath={.metadata.labels.via}"]))).toBe("ssa");
    expect(ok(await kubectl(["rollout", "status", "ds/web", "--timeout=60s"]))).toContain(
      'daemon set "web" successfully rolled out',
    );
  });

  it("create refuses an existing object; replace replaces it; delete -f deletes it", async () => {
    const file = writeManifest(dir, "other.yaml", { name: "other" });
    expect(ok(await kubectl(["create", "-f", file]))).toBe("daemonset.apps/other created\n");
    const again = await kubectl(["create", "-f", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'Error from server (AlreadyExists): error when creating "' +
        file +
        '": daemonsets.apps "other" already exists',
    );
    writeManifest(dir, "other.yaml", { name: "other", labels: { replaced: "yes" } });
    expect(ok(await kubectl(["replace", "-f", file]))).toBe("daemonset.apps/other replaced\n");
    expect(ok(await kubectl(["get", "ds", "other", "-o", "jsonpath={.metadata.labels.replaced}"]))).toBe(
      "yes",
    );
    expect(ok(await kubectl(["delete", "-f", file]))).toBe('daemonset.apps "other" deleted\n');
    const gone = await kubectl(["get", "ds", "other"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error from server (NotFound): daemonsets.apps "other" not found');
    expect(ok(await kubectl(["delete", "ds", "ssa"]))).toBe('daemonset.apps "ssa" deleted\n');
    // kubectl delete returns before the pods are gone (a background cascade): the next tests
    // list every pod.
    await waitFor("the other and ssa pods to go", async () =>
      (await cluster.pods("default")).every((p) => !["other", "ssa"].includes(p.metadata.labels?.app ?? "")),
    );
  });

  it("get prints every output format", async () => {
    await waitFor("two running web pods", async () => (await webPods()).length === 2);
    const pods = await webPods();
    const wide = ok(await kubectl(["get", "pods", "-o", "wide"]));
    expect(lines(wide)[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    for (const p of pods) expect(row(wide, p)?.slice(1, 3)).toEqual(["1/1", "Running"]);
    expect(pods.map((p) => row(wide, p)?.[6]).sort()).toEqual(["worker-1", "worker-2"]);

    const yaml = ok(await kubectl(["get", "ds", "web", "-o", "yaml"]));
    expect(yaml).toMatch(/^apiVersion: apps\/v1\nkind: DaemonSet\n/);
    expect(yaml).toMatch(/numberReady: 2/);
    const json = JSON.parse(ok(await kubectl(["get", "pods", "-o", "json"])));
    expect(json.kind).toBe("List");
    expect(json.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()).toEqual(pods);
    expect(
      ok(await kubectl(["get", "pods", "-o", "name"]))
        .split("\n")
        .filter(Boolean)
        .sort(),
    ).toEqual(pods.map((p) => `pod/${p}`));
    const jsonpath = ok(
      await kubectl(["get", "pods", "-o", 'jsonpath={range .items[*]}{.spec.nodeName}{"\\n"}{end}']),
    );
    expect(lines(jsonpath).sort()).toEqual(["worker-1", "worker-2"]);
    const columns = ok(
      await kubectl([
        "get",
        "pods",
        "-o",
        "custom-columns=POD:.metadata.name,NODE:.spec.nodeName,IMAGE:.spec.containers[0].image",
      ]),
    );
    expect(lines(columns)[0]).toMatch(/^POD\s+NODE\s+IMAGE$/);
    for (const p of pods) expect(row(columns, p)?.[2]).toBe("everynode/web:test");
  });

  it("get selects by namespace, label and field, and lists everything", async () => {
    const pods = await webPods();
    const all = ok(await kubectl(["get", "pods", "-A"]));
    expect(lines(all)[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    for (const p of pods) expect(all).toMatch(new RegExp(`^default\\s+${p}\\s+1/1\\s+Running`, "m"));
    expect(lines(ok(await kubectl(["get", "pods", "-l", "app=web", "-o", "name"])))).toHaveLength(2);
    const none = await kubectl(["get", "pods", "-l", "app=nothing"]);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe("No resources found in default namespace.\n");
    const onWorker1 = ok(
      await kubectl(["get", "pods", "--field-selector", "spec.nodeName=worker-1", "-o", "wide"]),
    );
    expect(lines(onWorker1)).toHaveLength(2);
    expect(lines(onWorker1)[1]).toMatch(/\sworker-1\s/);
    expect(
      lines(
        ok(
          await kubectl([
            "get",
            "pods",
            "-A",
            "--field-selector",
            "status.phase=Running,metadata.namespace=default",
          ]),
        ),
      ),
    ).toHaveLength(3);

    const everything = ok(await kubectl(["get", "all", "-o", "wide"]));
    for (const p of pods)
      expect(everything).toMatch(new RegExp(`pod/${p}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+\\S+\\s+worker-\\d`));
    expect(everything).toMatch(
      /daemonset\.apps\/web\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\s+web\s+everynode\/web:test\s+app=web/,
    );
    const kubeSystem = await kubectl(["get", "ds", "-n", "kube-system"]);
    expect(kubeSystem.code).toBe(0);
    expect(kubeSystem.stderr).toBe("No resources found in kube-system namespace.\n");
  });

  it("get -w prints a line for a change made while watching", async () => {
    const [victim = ""] = await webPods();
    const watching = kubectl(["get", "pods", "-w", "--request-timeout=8s"]);
    await new Promise((r) => setTimeout(r, 2500));
    ok(await kubectl(["delete", "pod", victim, "--wait=false"]));
    const out = ok(await watching);
    const names = lines(out)
      .slice(1)
      .map((l) => l.split(/\s+/)[0]);
    const fresh = names.filter((n) => n?.startsWith("web-") && !names.slice(0, 2).includes(n));
    expect(fresh.length, out).toBeGreaterThan(0);
    expect(out).toMatch(new RegExp(`${fresh[0]}\\s+1/1\\s+Running`));
    // The control plane records the kubelet's Killing for the deleted pod's container.
    const killing = ok(await kubectl(["get", "events", "--field-selector", `involvedObject.name=${victim}`]));
    expect(killing).toMatch(new RegExp(`Normal\\s+Killing\\s+pod/${victim}\\s+Stopping container web`));
  });

  it("namespaces: get, create and delete (1.32, 1.29 and 1.33)", async () => {
    const ns = ok(await kubectl(["get", "ns"]));
    for (const n of ["default", "kube-node-lease", "kube-public", "kube-system"])
      expect(row(ns, n)?.[1]).toBe("Active");
    for (const version of [undefined, "1.29", "1.33"]) {
      const name = `team-${(version ?? "default").replace(".", "")}`;
      expect(ok(await kubectl(["create", "namespace", name], version))).toBe(`namespace/${name} created\n`);
      expect(row(ok(await kubectl(["get", "ns", name], version)), name)?.[1]).toBe("Active");
      expect(ok(await kubectl(["delete", "namespace", name], version))).toBe(`namespace "${name}" deleted\n`);
      expect((await kubectl(["get", "ns", name])).stderr).toContain(`namespaces "${name}" not found`);
    }
  });

  it("edit changes a label through EDITOR; annotate adds an annotation", async () => {
    const editor = path.join(dir, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\nsed -i 's/^    app: web$/&\\n    edited: "yes"/' "$1"\n`);
    chmodSync(editor, 0o755);
    const edited = await cluster.kubectl(["edit", "ds", "web"], { env: { EDITOR: editor } });
    expect(ok(edited)).toBe("daemonset.apps/web edited\n");
    expect(ok(await kubectl(["get", "ds", "web", "-o", "jsonpath={.metadata.labels.edited}"]))).toBe("yes");
    expect(ok(await kubectl(["annotate", "ds", "web", "owner=team-a"]))).toBe(
      "daemonset.apps/web annotated\n",
    );
    expect(ok(await kubectl(["get", "ds", "web", "-o", "jsonpath={.metadata.annotations.owner}"]))).toBe(
      "team-a",
    );
  });

  it("version, api-resources and explain", async () => {
    expect(ok(await kubectl(["version"]))).toMatch(/^Server Version: v1\.32\.\d+/m);
    for (const version of [undefined, "1.29", "1.33"]) {
      const resources = ok(await kubectl(["api-resources"], version));
      expect(resources).toMatch(/^daemonsets\s+ds\s+apps\/v1\s+true\s+DaemonSet$/m);
      expect(resources).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
      expect(resources).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
      expect(resources).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
      expect(resources).toMatch(/^events\s+ev\s+v1\s+true\s+Event$/m);
    }
    // explain may succeed or fail, but cleanly: an answer, or a non-zero exit with a message.
    const started = Date.now();
    const explain = await kubectl(["explain", "ds.spec"]);
    expect(Date.now() - started).toBeLessThan(30_000);
    if (explain.code === 0) expect(explain.stdout).toMatch(/KIND:\s+DaemonSet/);
    else expect(explain.stderr).toMatch(/^error: /m);
  });
});
