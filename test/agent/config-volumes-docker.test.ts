// configMap, secret, downwardAPI and projected volumes on the real Docker engine: files,
// modes and read-only mounts checked with `docker inspect` and `docker exec` in the running
// container (subPath too); a changed ConfigMap reaches the running container's files without a
// restart; a missing ConfigMap keeps the pod in ContainerCreating with the kubelet's
// FailedMount message until it arrives; the pod's fsGroup owns its secret and emptyDir volumes
// (not a hostPath); the volume folders go with the pod.

import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { Pod } from "../../shared/api-types.js";
import type { ConfigDelivery, DeliveredObject } from "../../shared/config-delivery.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { eventually, inspectRaw } from "./helpers/docker-cleanup.js";
import { startWorker, stopWorker, testPod } from "./helpers/test-pods.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `cfgvol-${RUN}`;
const runtime = new DockerRuntime();
let dataDir: string;
let worker: Worker;
const statuses: PodStatusReport[] = [];
let revision = 0;

const b64 = (s: string) => Buffer.from(s).toString("base64");
const appConfig = (conf: string, rv: string): DeliveredObject => ({
  namespace: "default",
  name: "app",
  uid: "c1",
  resourceVersion: rv,
  data: { "app.conf": conf, "extra.conf": "e=1" },
});
const tls: DeliveredObject = {
  namespace: "default",
  name: "tls",
  uid: "s1",
  resourceVersion: "1",
  type: "Opaque",
  data: { "tls.key": b64("PRIVATE"), "tls.crt": b64("CERT") },
};
const late: DeliveredObject = {
  namespace: "default",
  name: "late",
  uid: "c2",
  resourceVersion: "1",
  data: { x: "here" },
};

const mounted = (): Pod => {
  const p = testPod(
    RUN,
    "vol",
    {
      volumes: [
        { name: "config", configMap: { name: "app", defaultMode: 0o640 } },
        {
          name: "certs",
          secret: { secretName: "tls", items: [{ key: "tls.key", path: "keys/server.key", mode: 0o400 }] },
        },
        {
          name: "podinfo",
          downwardAPI: {
            items: [
              { path: "labels", fieldRef: { fieldPath: "metadata.labels" } },
              { path: "name", fieldRef: { fieldPath: "metadata.name" } },
            ],
          },
        },
        {
          name: "all",
          projected: {
            sources: [
              { configMap: { name: "app", items: [{ key: "app.conf", path: "app.conf" }] } },
              { secret: { name: "tls" } },
            ],
          },
        },
      ],
    },
    {
      command: ["sleep", "3600"],
      volumeMounts: [
        { name: "config", mountPath: "/etc/app" },
        { name: "certs", mountPath: "/etc/certs" },
        { name: "podinfo", mountPath: "/etc/podinfo" },
        { name: "all", mountPath: "/etc/all" },
        { name: "config", mountPath: "/etc/single.conf", subPath: "app.conf" },
      ],
    },
  );
  p.metadata.labels = { app: "vol", tier: "node" };
  return p;
};
const waitsForLate = (): Pod =>
  testPod(
    RUN,
    "late",
    { volumes: [{ name: "v", configMap: { name: "late" } }] },
    {
      command: ["sleep", "3600"],
      volumeMounts: [{ name: "v", mountPath: "/late" }],
    },
  );

/** A pod running as uid 1000 with fsGroup 2000: a 0400 secret, a disk and a memory emptyDir, a hostPath. */
const fsGroupPod = (hostDir: string): Pod =>
  testPod(
    RUN,
    "fsg",
    {
      securityContext: { fsGroup: 2000, runAsUser: 1000 },
      volumes: [
        { name: "tls", secret: { secretName: "tls", defaultMode: 0o400 } },
        { name: "scratch", emptyDir: {} },
        { name: "ram", emptyDir: { medium: "Memory", sizeLimit: "8Mi" } },
        { name: "host", hostPath: { path: hostDir, type: "Directory" } },
      ],
    },
    {
      command: ["sleep", "3600"],
      volumeMounts: [
        { name: "tls", mountPath: "/etc/tls" },
        { name: "scratch", mountPath: "/scratch" },
        { name: "ram", mountPath: "/ram" },
        { name: "host", mountPath: "/host" },
      ],
    },
  );

async function containerOf(uid: string) {
  return (await runtime.list(nodeFilter(NODE))).find(
    (c) => c.labels[LABELS.podUid] === `${RUN}-${uid}` && c.labels[LABELS.container] === "c",
  );
}
async function inside(id: string, script: string): Promise<string> {
  return (await runtime.exec(id, ["sh", "-c", script], AbortSignal.timeout(10_000))).output.trim();
}
async function apply(pods: Pod[], configMaps: DeliveredObject[]): Promise<void> {
  const config: ConfigDelivery = { configMaps, secrets: [tls], withheld: [] };
  worker.setDesired(++revision, pods, config);
  await worker.settle();
}
const lastStatus = (uid: string) => [...statuses].reverse().find((s) => s.uid === `${RUN}-${uid}`)?.status;

beforeAll(async () => {
  ({ worker, dataDir } = await startWorker("everynode-cfgvol-", { nodeName: NODE, runtime, statuses }));
});
afterAll(async () => {
  await stopWorker(worker, NODE, dataDir);
  // The memory emptyDir's engine volume, made for this run's node only.
  for (const v of (await runtime.listVolumes({ [LABELS.node]: NODE })) ?? [])
    await runtime.removeVolume(v.name);
});

describe("ConfigMap, Secret, downward API and projected volumes on Docker", () => {
  it("mounts the files read-only with their modes, subPath included", async () => {
    await apply([mounted()], [appConfig("x=1", "1")]);
    const c = await containerOf("vol");
    expect(c?.state).toBe("running");
    const mounts = (await inspectRaw(c!.id)).Mounts as { Destination: string; RW: boolean; Source: string }[];
    for (const dest of ["/etc/app", "/etc/certs", "/etc/podinfo", "/etc/all", "/etc/single.conf"])
      expect(mounts.find((m) => m.Destination === dest)?.RW, dest).toBe(false);
    expect(mounts.find((m) => m.Destination === "/etc/app")?.Source).toBe(
      path.join(dataDir, "pods", `${RUN}-vol`, "volumes", "config"),
    );
    expect(await inside(c!.id, "cat /etc/app/app.conf; echo; cat /etc/app/extra.conf")).toBe("x=1\ne=1");
    expect(await inside(c!.id, "stat -L -c %a /etc/app/app.conf /etc/certs/keys/server.key")).toBe(
      "640\n400",
    );
    expect(await inside(c!.id, "cat /etc/certs/keys/server.key; ls /etc/certs")).toBe("PRIVATEkeys");
    expect(await inside(c!.id, "cat /etc/podinfo/name; echo; cat /etc/podinfo/labels")).toBe(
      `pod-vol\napp="vol"\ntier="node"`,
    );
    expect(await inside(c!.id, "ls /etc/all; cat /etc/all/tls.crt")).toBe("app.conf\ntls.crt\ntls.key\nCERT");
    expect(await inside(c!.id, "cat /etc/single.conf")).toBe("x=1");
    expect(await inside(c!.id, "readlink /etc/app/..data; readlink /etc/app/app.conf")).toMatch(
      /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\w+\n\.\.data\/app\.conf$/,
    );
    expect(await inside(c!.id, "touch /etc/app/new 2>&1 || true")).toMatch(/Read-only file system/);
  });

  it("updates a running container's files when the ConfigMap changes, without a restart", async () => {
    const before = await containerOf("vol");
    const started = Date.now();
    await apply([mounted()], [appConfig("x=2", "2")]);
    await eventually(async () => (await inside(before!.id, "cat /etc/app/app.conf")) === "x=2", 10_000);
    const elapsed = Date.now() - started;
    expect(await inside(before!.id, "cat /etc/all/app.conf")).toBe("x=2");
    // A subPath mount keeps the file it was made with, as on Kubernetes.
    expect(await inside(before!.id, "cat /etc/single.conf")).toBe("x=1");
    const after = await containerOf("vol");
    expect(after?.id).toBe(before?.id);
    expect((await inspectRaw(after!.id)).RestartCount).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
    // One version dir at a time: the old one is gone.
    expect(
      (await inside(before!.id, "ls -a /etc/app")).split("\n").filter((e) => /^\.\.\d/.test(e)),
    ).toHaveLength(1);
  });

  it("keeps a pod whose ConfigMap is missing in ContainerCreating with the kubelet's message, until it arrives", async () => {
    await apply([mounted(), waitsForLate()], [appConfig("x=2", "2")]);
    expect(await containerOf("late")).toBeUndefined();
    expect(lastStatus("late")?.containerStatuses?.[0]?.state.waiting).toEqual({
      reason: "ContainerCreating",
      message: 'MountVolume.SetUp failed for volume "v" : configmap "late" not found',
    });
    await apply([mounted(), waitsForLate()], [appConfig("x=2", "2"), late]);
    const c = await containerOf("late");
    expect(c?.state).toBe("running");
    expect(await inside(c!.id, "cat /late/x")).toBe("here");
  });

  it("gives the secret and emptyDir volumes to the fsGroup (not the hostPath): uid 1000 reads and writes them", async () => {
    const hostDir = path.join(dataDir, "host");
    await fs.mkdir(hostDir, { mode: 0o755 });
    await fs.chmod(hostDir, 0o755);
    await apply([mounted(), waitsForLate(), fsGroupPod(hostDir)], [appConfig("x=2", "2"), late]);
    const c = await containerOf("fsg");
    expect(c?.state).toBe("running");
    expect(await inside(c!.id, "id -u; id -G")).toBe("1000\n0 2000");
    // A 0400 secret becomes 0440, group 2000; its folders setgid.
    expect(await inside(c!.id, "stat -L -c '%g %a' /etc/tls/tls.key /etc/tls/tls.crt /etc/tls")).toBe(
      "2000 440\n2000 440\n2000 2755",
    );
    expect(await inside(c!.id, "cat /etc/tls/tls.key")).toBe("PRIVATE");
    // The emptyDirs: group 2000, setgid, group-writable; what uid 1000 writes there is the group's.
    expect(await inside(c!.id, "stat -c '%g %a' /scratch /ram")).toBe("2000 2777\n2000 3777");
    expect(
      await inside(c!.id, "echo a > /scratch/f && echo b > /ram/f && stat -c '%u %g' /scratch/f /ram/f"),
    ).toBe("1000 2000\n1000 2000");
    // A hostPath is never changed.
    expect(await inside(c!.id, "stat -c '%g %a' /host")).toBe("0 755");
    expect(await inside(c!.id, "touch /host/x 2>&1 || true")).toMatch(/Permission denied/);
  });

  it("makes a disk emptyDir world-writable (0777) without an fsGroup, as the kubelet does", async () => {
    const scratch = testPod(
      RUN,
      "scr",
      { securityContext: { runAsUser: 1000 }, volumes: [{ name: "scratch", emptyDir: {} }] },
      { command: ["sleep", "3600"], volumeMounts: [{ name: "scratch", mountPath: "/scratch" }] },
    );
    const hostDir = path.join(dataDir, "host");
    await apply([mounted(), waitsForLate(), fsGroupPod(hostDir), scratch], [appConfig("x=2", "2"), late]);
    const c = await containerOf("scr");
    expect(c?.state).toBe("running");
    expect(await inside(c!.id, "stat -c '%u %g %a' /scratch")).toBe("0 0 777");
    expect(await inside(c!.id, "echo a > /scratch/f && stat -c '%u' /scratch/f")).toBe("1000");
  });

  it("removes the volume folders with the pod", async () => {
    const folder = path.join(dataDir, "pods", `${RUN}-vol`);
    expect((await fs.stat(folder)).isDirectory()).toBe(true);
    await apply([waitsForLate()], [late]);
    await eventually(async () => !(await fs.stat(folder).catch(() => undefined)), 30_000);
  });
});
