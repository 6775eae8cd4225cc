// What the privileged upstream test (upstream-privileged.test.ts) reads of the containers the
// agents made: `docker inspect` of a DaemonSet's newest container on a node, its mounts and
// volume files, and the checks it makes of them; and whether this engine starts privileged
// containers at all.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { run, waitFor } from "../helpers/cluster.js";

export const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface Inspect {
  Id: string;
  State: { Status: string; Error: string };
  HostConfig: {
    Privileged: boolean;
    PidMode: string;
    NetworkMode: string;
    Memory: number;
    NanoCpus: number;
    CpuShares: number;
  };
  Mounts: { Source: string; Destination: string; RW: boolean; Propagation: string }[];
  Config: { Entrypoint: string[] | null; Cmd: string[] | null; Env: string[]; Image: string };
}

/** Whether this engine starts privileged containers at all. */
export async function engineRunsPrivileged(): Promise<boolean> {
  const r = await run("docker", [
    "run",
    "--rm",
    "--privileged",
    "--entrypoint",
    "/bin/sh",
    "everynode-upstream/kured:test",
    "-c",
    "true",
  ]);
  return r.code === 0;
}

/** The newest container the agent made for DaemonSet `ds` on `node`, inspected. */
export async function newestContainer(ds: string, node: string): Promise<Inspect | undefined> {
  const ps = await run("docker", [
    "ps",
    "-a",
    "--filter",
    `label=io.everynode.node=${node}`,
    "--filter",
    `label=io.everynode.daemonset=${ds}`,
    "--format",
    '{{.ID}}\t{{.Label "io.everynode.container.name"}}\t{{.Label "io.everynode.restart-count"}}',
  ]);
  const rows = ps.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"))
    .filter(([, name]) => name !== "POD")
    .sort((a, b) => Number(b[2]) - Number(a[2]));
  const id = rows[0]?.[0];
  if (!id) return undefined;
  const i = await run("docker", ["inspect", id]);
  return i.code === 0 ? (JSON.parse(i.stdout) as Inspect[])[0] : undefined;
}

/** Each node's container of `ds`, once the agent has made it (and tried to start it). */
export async function containersOf(ds: string, nodes: string[]): Promise<Map<string, Inspect>> {
  const out = new Map<string, Inspect>();
  for (const node of nodes) {
    const c = await waitFor(
      `${ds}: a container on ${node}`,
      async () => {
        const i = await newestContainer(ds, node);
        return i && (i.State.Status === "running" || i.State.Error !== "") && i;
      },
      90_000,
      500,
    );
    out.set(node, c);
  }
  return out;
}

export const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function mountAt(c: Inspect, destination: string): Inspect["Mounts"][number] {
  const m = c.Mounts.find((x) => x.Destination === destination);
  if (!m) throw new Error(`no mount at ${destination}: ${JSON.stringify(c.Mounts)}`);
  return m;
}

/** The files a volume directory shows its container (the atomic layout's `..` entries aside). */
export function volumeFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((n) => !n.startsWith(".."))) {
    files[f] = readFileSync(path.join(dir, f), "utf8");
  }
  return files;
}

/** The data of ConfigMap `name` in a manifest. */
export function configMapData(yaml: string, name: string): Record<string, string> {
  for (const doc of yaml.split(/^---$/m)) {
    const o = parseYaml(doc) as {
      kind?: string;
      metadata?: { name?: string };
      data?: Record<string, string>;
    };
    if (o?.kind === "ConfigMap" && o.metadata?.name === name) return o.data ?? {};
  }
  throw new Error(`no ConfigMap ${name}`);
}

/** The ServiceAccount token mount: read-only, its files, and the token names `namespace/sa`. */
export function expectTokenMount(c: Inspect, sa: string): void {
  const m = mountAt(c, SA_DIR);
  expect(m.RW).toBe(false);
  const files = volumeFiles(m.Source);
  expect(Object.keys(files).sort()).toEqual(["ca.crt", "namespace", "token"]);
  expect(files["namespace"]).toBe("kube-system");
  expect(files["ca.crt"]).toContain("BEGIN CERTIFICATE");
  const payload = JSON.parse(Buffer.from(files["token"]!.split(".")[1]!, "base64url").toString()) as {
    sub: string;
  };
  expect(payload.sub).toBe(`system:serviceaccount:kube-system:${sa}`);
}

/** No propagation was asked for: Docker's default, never shared with the host. */
export function expectPrivatePropagation(c: Inspect): void {
  for (const m of c.Mounts) expect([m.Destination, m.Propagation]).toEqual([m.Destination, "rprivate"]);
}
