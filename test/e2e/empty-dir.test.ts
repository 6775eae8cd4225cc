// emptyDir as the kubelet applies it, on a real agent: `medium: Memory` is a tmpfs of the
// sizeLimit (checked with docker inspect and df in the container), shared by the pod's
// containers and kept across a container's restart; a disk emptyDir written past its
// sizeLimit gets its pod evicted (Failed, Evicted, the kubelet's message, a Warning event),
// its containers stopped, and the DaemonSet controller replaces it.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { kubectlPath, run, startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";

const NODE = "emptydir-e2e";

const memoryDs = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ram}
spec:
  selector: {matchLabels: {app: ram}}
  template:
    metadata: {labels: {app: ram}}
    spec:
      terminationGracePeriodSeconds: 1
      volumes: [{name: cache, emptyDir: {medium: Memory, sizeLimit: 8Mi}}]
      containers:
      - name: writer
        image: ${TEST_IMAGE}
        command: ["sh", "-c", "[ -f /cache/first ] || date > /cache/first; exec sleep 3600"]
        volumeMounts: [{name: cache, mountPath: /cache}]
      - name: reader
        image: ${TEST_IMAGE}
        command: ["sleep", "3600"]
        volumeMounts: [{name: cache, mountPath: /shared, readOnly: true}]
`;

const diskDs = (marker: string): string => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: filler}
spec:
  selector: {matchLabels: {app: filler}}
  template:
    metadata: {labels: {app: filler}}
    spec:
      terminationGracePeriodSeconds: 1
      volumes:
      - {name: scratch, emptyDir: {sizeLimit: 1Mi}}
      - {name: marker, hostPath: {path: ${marker}, type: Directory}}
      containers:
      - name: app
        image: ${TEST_IMAGE}
        # Only the first pod fills its volume; its replacement stays within the limit.
        command: ["sh", "-c", "if [ ! -f /marker/filled ]; then touch /marker/filled; dd if=/dev/urandom of=/scratch/big bs=1024 count=3072; fi; exec sleep 3600"]
        volumeMounts: [{name: scratch, mountPath: /scratch}, {name: marker, mountPath: /marker}]
`;

describe("emptyDir medium and sizeLimit", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-emptydir-"));

  beforeAll(async () => {
    cluster = await startCluster({ noServerAgent: true, agents: [{ name: NODE }] });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    const vols = await run("docker", ["volume", "ls", "-q", "--filter", `label=io.everynode.node=${NODE}`]);
    const names = vols.stdout.split("\n").filter(Boolean);
    if (names.length) await run("docker", ["volume", "rm", "-f", ...names]);
    rmSync(dir, { recursive: true, force: true });
  });

  const apply = async (name: string, yaml: string): Promise<void> => {
    const file = path.join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    const r = await cluster.kubectl(["apply", "-f", file]);
    expect(r.code, r.stderr).toBe(0);
  };
  const containerOf = async (app: string, name: string): Promise<string> => {
    const r = await run("docker", [
      "ps",
      "-q",
      "--no-trunc",
      "--filter",
      `label=io.everynode.daemonset=${app}`,
      "--filter",
      `label=io.everynode.container.name=${name}`,
    ]);
    return r.stdout.trim();
  };

  it("mounts a memory emptyDir as a tmpfs of its sizeLimit, shared by the pod and kept across a restart", async () => {
    await apply("ram", memoryDs);
    const writer = await waitFor(
      "the writer running",
      async () => (await containerOf("ram", "writer")) || undefined,
    );
    const reader = await waitFor(
      "the reader running",
      async () => (await containerOf("ram", "reader")) || undefined,
    );

    const mounts = JSON.parse((await run("docker", ["inspect", "-f", "{{json .Mounts}}", writer])).stdout);
    const cache = mounts.find((m: any) => m.Destination === "/cache");
    expect(cache).toMatchObject({ Type: "volume", RW: true });
    const volume = JSON.parse((await run("docker", ["volume", "inspect", cache.Name])).stdout)[0];
    expect(volume.Options).toEqual({ type: "tmpfs", device: "tmpfs", o: `size=${8 * 1024 * 1024}` });
    const df = await run("docker", ["exec", writer, "sh", "-c", "mount | grep ' /cache '; df -k /cache"]);
    expect(df.stdout).toMatch(/^tmpfs on \/cache type tmpfs \(rw.*size=8192k/m);
    expect(df.stdout).toMatch(/\s8192\s/);

    // The reader sees the writer's file, read-only.
    const first = await waitFor("the writer's file", async () => {
      const r = await run("docker", ["exec", reader, "cat", "/shared/first"]);
      return r.code === 0 ? r.stdout : undefined;
    });
    expect((await run("docker", ["exec", reader, "touch", "/shared/x"])).code).not.toBe(0);

    // A crash restarts the writer; the volume (held by the pod's sandbox) keeps its file.
    await run("docker", ["kill", writer]);
    const again = await waitFor(
      "the writer restarted",
      async () => {
        const id = await containerOf("ram", "writer");
        return id && id !== writer ? id : undefined;
      },
      60_000,
    );
    expect((await run("docker", ["exec", again, "cat", "/cache/first"])).stdout).toBe(first);

    // Deleted with its pod: the tmpfs volume goes once no container of the pod is left.
    expect((await cluster.kubectl(["delete", "ds", "ram"])).code).toBe(0);
    await waitFor(
      "the memory volume removed",
      async () => (await run("docker", ["volume", "inspect", cache.Name])).code !== 0,
      60_000,
    );
  }, 180_000);

  it("evicts a pod whose disk emptyDir goes over its sizeLimit, and the DaemonSet replaces it", async () => {
    const marker = path.join(dir, "marker");
    mkdirSync(marker);
    // The failed pod is replaced within moments: a watch, as a user's, sees its last status.
    const watch = spawn(kubectlPath(), [
      "--kubeconfig",
      cluster.kubeconfig,
      "get",
      "pods",
      "-l",
      "app=filler",
      "-w",
      "-o",
      "json",
    ]);
    let seen = "";
    watch.stdout.on("data", (c: Buffer) => (seen += c.toString()));
    let evicted: any;
    try {
      await apply("filler", diskDs(marker));
      evicted = await waitFor(
        "the pod evicted",
        () => parseConcatenated(seen).find((p) => p.status?.reason === "Evicted"),
        90_000,
      );
    } finally {
      watch.kill();
    }
    expect(evicted.status.phase).toBe("Failed");
    expect(evicted.status.message).toBe('Usage of EmptyDir volume "scratch" exceeds the limit "1Mi".');
    expect(evicted.status.containerStatuses[0].state.terminated).toBeDefined();

    // Its containers are stopped and removed; a Warning event says why.
    await waitFor(
      "the evicted pod's containers gone",
      async () =>
        (
          await run("docker", ["ps", "-aq", "--filter", `label=io.everynode.pod.uid=${evicted.metadata.uid}`])
        ).stdout.trim() === "",
      60_000,
    );
    const events = await cluster.api("GET", "/api/v1/namespaces/default/events");
    const warning = events.body.items.find(
      (e: any) => e.involvedObject.uid === evicted.metadata.uid && e.reason === "Evicted",
    );
    expect(warning).toMatchObject({ type: "Warning", message: evicted.status.message });

    // The DaemonSet controller deletes the failed pod and makes a new one, which runs.
    await waitFor(
      "a replacement running",
      async () => {
        const pods = await cluster.pods("default");
        const filler = pods.filter((p) => p.metadata.name.startsWith("filler-"));
        return (
          filler.length === 1 &&
          filler[0].metadata.uid !== evicted.metadata.uid &&
          filler[0].status?.phase === "Running"
        );
      },
      120_000,
    );
  }, 240_000);
});

/** The objects of `kubectl get -w -o json`: one pretty-printed JSON object after another. */
function parseConcatenated(text: string): any[] {
  const complete = text.slice(0, text.lastIndexOf("\n}\n") + 3);
  return complete
    .split(/(?<=^})\n(?={)/m)
    .filter((t) => t.trim())
    .map((t) => JSON.parse(t));
}
