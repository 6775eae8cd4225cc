// A pod is one sandbox, on the real Docker engine: its containers share the sandbox's
// network namespace (a sidecar reaches the other on 127.0.0.1), IPC namespace and, with
// shareProcessNamespace, PID namespace; the pod's IP (status and env) is the sandbox's; host
// ports are published by the sandbox; host namespaces are the host's. Checked with
// `docker inspect` and from inside the containers.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObservedContainer } from "../../agent/runtime/container-runtime.js";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { Pod, PodStatus } from "../../shared/api-types.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { testWorker } from "./helpers/test-pods.js";
import { eventually, inspectRaw, killContainer, removeByLabel } from "./helpers/docker-cleanup.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `sb-${RUN}`;
const runtime = new DockerRuntime();
let dataDir: string;
const workers: Worker[] = [];
const statuses: PodStatusReport[] = [];

function makeWorker(): Worker {
  const { worker } = testWorker({ nodeName: NODE, dataDir, runtime, statuses });
  workers.push(worker);
  return worker;
}

function pod(uid: string, spec: Partial<Pod["spec"]>): Pod {
  return {
    metadata: { name: `pod-${uid}`, namespace: "default", uid: `${RUN}-${uid}` },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [], ...spec },
  };
}

const sleeper = (name: string, extra: Partial<Pod["spec"]["containers"][number]> = {}) => ({
  name,
  image: "everynode/web:test",
  command: ["sleep", "3600"],
  ...extra,
});

async function ofPod(
  uid: string,
): Promise<{ sandbox: ObservedContainer; byName: Record<string, ObservedContainer> }> {
  const list = (await runtime.list(nodeFilter(NODE))).filter(
    (c) => c.labels[LABELS.podUid] === `${RUN}-${uid}` && c.state === "running",
  );
  const sandbox = list.find((c) => c.labels[LABELS.container] === SANDBOX);
  if (!sandbox) throw new Error(`pod ${uid} has no running sandbox`);
  const byName: Record<string, ObservedContainer> = {};
  for (const c of list) if (c !== sandbox) byName[c.labels[LABELS.container] ?? ""] = c;
  return { sandbox, byName };
}

function statusOf(uid: string): PodStatus | undefined {
  return [...statuses].reverse().find((s) => s.uid === `${RUN}-${uid}`)?.status;
}

async function run(id: string, ...command: string[]): Promise<string> {
  const r = await runtime.exec(id, command, AbortSignal.timeout(10_000));
  expect(r.exitCode, r.output).toBe(0);
  return r.output.trim();
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-sandbox-"));
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await removeByLabel(LABELS.node, NODE);
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("a pod is one sandbox", () => {
  const bridged = pod("net", {
    containers: [
      { name: "web", image: "everynode/web:test", ports: [{ containerPort: 80, hostPort: 0 }] },
      sleeper("sidecar", {
        env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
      }),
    ],
  });
  let worker: Worker;

  it("its containers join the sandbox's network and IPC namespaces; a sidecar reaches the other on 127.0.0.1", async () => {
    worker = makeWorker();
    await worker.start();
    worker.setDesired(1, [bridged]);
    await worker.settle();
    const { sandbox, byName } = await ofPod("net");
    expect(Object.keys(byName).sort()).toEqual(["sidecar", "web"]);
    const sb = await inspectRaw(sandbox.id);
    expect(sb.HostConfig.NetworkMode).toBe("bridge");
    expect(sb.HostConfig.IpcMode).toBe("shareable");
    expect(sb.HostConfig.Init).toBe(true);
    expect(sb.Config.Hostname).toBe("pod-net");
    for (const c of Object.values(byName)) {
      const raw = await inspectRaw(c.id);
      expect(raw.HostConfig.NetworkMode).toBe(`container:${sandbox.id}`);
      expect(raw.HostConfig.IpcMode).toBe(`container:${sandbox.id}`);
      expect(raw.HostConfig.PidMode).toBe("");
      expect(raw.Config.Labels?.[LABELS.sandbox]).toBe(sandbox.id);
    }
    await eventually(async () =>
      (await run(byName.sidecar!.id, "wget", "-qO-", "http://127.0.0.1:80/")).includes(
        "Welcome to everynode",
      ),
    );
    expect(await run(byName.sidecar!.id, "hostname")).toBe("pod-net");
  });

  it("the pod's IP is the sandbox's: in status.podIP, podIPs and the status.podIP env", async () => {
    const { sandbox, byName } = await ofPod("net");
    expect(sandbox.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(statusOf("net")).toMatchObject({ podIP: sandbox.ipAddress, podIPs: [{ ip: sandbox.ipAddress }] });
    expect(await run(byName.sidecar!.id, "sh", "-c", "echo $POD_IP")).toBe(sandbox.ipAddress);
    // The containers have no address of their own: the one they see is the sandbox's.
    expect(await run(byName.web!.id, "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}'")).toContain(
      sandbox.ipAddress,
    );
  });

  it("a restarted agent adopts the sandbox and the containers as they are", async () => {
    const before = await ofPod("net");
    await worker.stop();
    worker = makeWorker();
    await worker.start();
    worker.setDesired(1, [bridged]);
    await worker.settle();
    const after = await ofPod("net");
    expect(after.sandbox.id).toBe(before.sandbox.id);
    expect(after.byName.web!.id).toBe(before.byName.web!.id);
    expect(after.byName.sidecar!.id).toBe(before.byName.sidecar!.id);
  });

  it("a sandbox that dies is made again, and the containers restart in it", async () => {
    const before = await ofPod("net");
    await killContainer(before.sandbox.id);
    await eventually(async () => {
      await worker.settle();
      const now = await ofPod("net").catch(() => undefined);
      return (
        now !== undefined && now.sandbox.id !== before.sandbox.id && Object.keys(now.byName).length === 2
      );
    });
    const after = await ofPod("net");
    for (const c of Object.values(after.byName)) {
      expect((await inspectRaw(c.id)).HostConfig.NetworkMode).toBe(`container:${after.sandbox.id}`);
    }
    const web = statusOf("net")?.containerStatuses?.find((c) => c.name === "web");
    expect(web?.restartCount).toBe(1);
    expect(statusOf("net")?.podIP).toBe(after.sandbox.ipAddress);
    worker.setDesired(2, []);
    await worker.settle();
    expect(await runtime.list(nodeFilter(NODE))).toEqual([]);
  });

  it("shareProcessNamespace: the containers see each other's processes", async () => {
    worker.setDesired(3, [
      pod("pid", {
        shareProcessNamespace: true,
        containers: [
          sleeper("a", { command: ["sleep", "3601"] }),
          sleeper("b", { command: ["sleep", "3602"] }),
        ],
      }),
    ]);
    await worker.settle();
    const { sandbox, byName } = await ofPod("pid");
    expect((await inspectRaw(byName.a!.id)).HostConfig.PidMode).toBe(`container:${sandbox.id}`);
    expect(await run(byName.a!.id, "ps")).toContain("sleep 3602");
  });

  it("a hostPort is published by the sandbox, and answers", async () => {
    const port = 20000 + (process.pid % 20000);
    worker.setDesired(4, [
      pod("port", {
        containers: [
          {
            name: "web",
            image: "everynode/web:test",
            ports: [{ containerPort: 80, hostPort: port, hostIP: "127.0.0.1" }],
          },
        ],
      }),
    ]);
    await worker.settle();
    const { sandbox, byName } = await ofPod("port");
    expect((await inspectRaw(sandbox.id)).HostConfig.PortBindings).toEqual({
      "80/tcp": [{ HostIp: "127.0.0.1", HostPort: String(port) }],
    });
    expect((await inspectRaw(byName.web!.id)).HostConfig.PortBindings ?? {}).toEqual({});
    await eventually(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return r?.status === 200;
    });
  });

  it("hostNetwork, hostPID and hostIPC: the sandbox and the containers use the host's", async () => {
    worker.setDesired(5, [
      pod("host", { hostNetwork: true, hostPID: true, hostIPC: true, containers: [sleeper("c")] }),
    ]);
    await worker.settle();
    const { sandbox, byName } = await ofPod("host");
    for (const id of [sandbox.id, byName.c!.id]) {
      const raw = await inspectRaw(id);
      expect([raw.HostConfig.NetworkMode, raw.HostConfig.PidMode, raw.HostConfig.IpcMode]).toEqual([
        "host",
        "host",
        "host",
      ]);
    }
    expect(statusOf("host")?.podIP).toBe("127.0.0.1");
    // The host's PID namespace: PID 1 is the host's init, not the sandbox's.
    expect(await run(byName.c!.id, "sh", "-c", "ps | wc -l")).not.toBe("3");
    worker.setDesired(6, []);
    await worker.settle();
  });
});
