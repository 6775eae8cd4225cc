// The user's tutorial (../shared/reference/seed-tutorial.md) as a reusable check: its two
// manifests (test/fixtures/ds.yaml and ds-toleration.yaml, copied verbatim) and its steps,
// run with any kubectl-compatible client. Only the image is replaced, because this machine
// cannot pull nginx.

import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { ClusterClient, RunResult } from "./cluster.js";
import { REPO_ROOT, TEST_IMAGE, waitFor } from "./cluster.js";

export type Client = (args: string[]) => Promise<RunResult>;

/** The tutorial's manifest, with `image` in place of nginx. */
export function tutorialYaml(which: "basic" | "toleration", image = TEST_IMAGE): string {
  const source = path.join(REPO_ROOT, "test/fixtures", which === "basic" ? "ds.yaml" : "ds-toleration.yaml");
  return readFileSync(source, "utf8").replace(/image: nginx$/m, `image: ${image}`);
}

/** Writes the tutorial's manifest to `dir/ds.yaml` (the same path for both steps, as the tutorial edits it). */
export function writeTutorialManifest(dir: string, which: "basic" | "toleration"): string {
  const file = path.join(dir, "ds.yaml");
  writeFileSync(file, tutorialYaml(which));
  return file;
}

function ok(r: RunResult, what: string): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Lines of a table whose first cell starts with `prefix`. */
export function rows(output: string, prefix: string): string[][] {
  return output
    .split("\n")
    .map((l) => l.trim().split(/\s{2,}|\s+/))
    .filter((cells) => cells[0]?.startsWith(prefix));
}

async function runningPodNodes(cluster: ClusterClient): Promise<string[]> {
  const pods = await cluster.pods("default");
  return pods
    .filter((p) => p.metadata.labels?.app === "nginx" && p.status?.phase === "Running")
    .map((p) => p.spec.nodeName as string)
    .sort();
}

async function runningContainerNodes(cluster: ClusterClient): Promise<string[]> {
  return (await cluster.containers())
    .filter((c) => c.state === "running")
    .map((c) => c.node)
    .sort();
}

/**
 * Runs every step of the tutorial with `client` against a cluster of master (tainted
 * control-plane:NoSchedule), worker-1 and worker-2, checking what the tutorial says the
 * user will see.
 */
export async function runTutorial(cluster: ClusterClient, client: Client, workDir: string): Promise<void> {
  // Step 1: apply the basic DaemonSet.
  const manifest = writeTutorialManifest(workDir, "basic");
  expect(ok(await client(["apply", "-f", manifest]), "apply")).toContain("daemonset.apps/nginx created");

  // Step 2: three Ready nodes.
  const nodes = ok(await client(["get", "nodes"]), "get nodes");
  expect(nodes).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/m);
  for (const name of ["master", "worker-1", "worker-2"]) {
    expect(rows(nodes, name)[0]?.[1], `node ${name}`).toBe("Ready");
  }
  expect(rows(nodes, "master")[0]?.[2]).toBe("control-plane");

  // Step 3: two nginx pods, one per worker, none on master.
  await waitFor(
    "two running nginx pods",
    async () => {
      const n = await runningPodNodes(cluster);
      return n.length === 2 && n.join() === "worker-1,worker-2";
    },
    90_000,
  );
  const all = ok(await client(["get", "all", "-o", "wide"]), "get all -o wide");
  const podRows = rows(all, "pod/nginx-");
  expect(podRows).toHaveLength(2);
  expect(podRows.map((r) => r.find((c) => c.startsWith("worker-") || c === "master")).sort()).toEqual([
    "worker-1",
    "worker-2",
  ]);
  expect(all).toMatch(/daemonset\.apps\/nginx\s+2\s+2\s+2\s+2\s+2\s/);
  await waitFor(
    "one container on each worker",
    async () => (await runningContainerNodes(cluster)).join() === "worker-1,worker-2",
    60_000,
  );

  // Step 4: the master has the NoSchedule taint, the workers none.
  const master = ok(await client(["describe", "node", "master"]), "describe node master");
  expect(master).toMatch(/Taints:\s+node-role\.kubernetes\.io\/control-plane:NoSchedule/);
  const worker = ok(await client(["describe", "node", "worker-1"]), "describe node worker-1");
  expect(worker).toMatch(/Taints:\s+<none>/);
  expect(worker).toMatch(/default\s+nginx-\w+/);

  // Step 5: delete, then apply the version with the toleration: three pods.
  expect(ok(await client(["delete", "-f", manifest]), "delete -f")).toContain(
    'daemonset.apps "nginx" deleted',
  );
  await waitFor(
    "the nginx pods to go",
    async () => (await runningPodNodes(cluster)).length === 0 && (await cluster.pods("default")).length === 0,
    60_000,
  );
  await waitFor(
    "the nginx containers to go",
    async () => (await runningContainerNodes(cluster)).length === 0,
    60_000,
  );

  writeTutorialManifest(workDir, "toleration");
  expect(ok(await client(["apply", "-f", manifest]), "apply toleration")).toContain(
    "daemonset.apps/nginx created",
  );
  await waitFor(
    "three running nginx pods",
    async () => (await runningPodNodes(cluster)).join() === "master,worker-1,worker-2",
    90_000,
  );
  const pods = ok(await client(["get", "pods", "-o", "wide"]), "get pods -o wide");
  const wideRows = rows(pods, "nginx-");
  expect(wideRows).toHaveLength(3);
  expect(wideRows.every((r) => r[1] === "1/1" && r[2] === "Running")).toBe(true);
  await waitFor(
    "one container on every node",
    async () => (await runningContainerNodes(cluster)).join() === "master,worker-1,worker-2",
    60_000,
  );

  // Section 3: get all -A -o wide lists them with their nodes.
  const everything = ok(await client(["get", "all", "-A", "-o", "wide"]), "get all -A -o wide");
  const allRows = rows(everything, "default");
  const nodesOfPods = allRows
    .filter((r) => r[1]?.startsWith("pod/nginx-"))
    .map((r) => r.find((c) => /^(master|worker-\d)$/.test(c)))
    .sort();
  expect(nodesOfPods).toEqual(["master", "worker-1", "worker-2"]);

  // Leave the cluster clean for the next client.
  ok(await client(["delete", "-f", manifest]), "final delete");
  await waitFor("the pods to go", async () => (await cluster.pods("default")).length === 0, 60_000);
  await waitFor(
    "the containers to go",
    async () => (await runningContainerNodes(cluster)).length === 0,
    60_000,
  );
}
