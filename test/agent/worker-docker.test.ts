// The Worker on the real Docker engine: containers, labels, restarts and back-off,
// adoption, two nodes sharing one daemon, env and hostPort.

import { promises as fs } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import { Worker } from "../../agent/worker/worker.js";
import type { ContainerStatus, Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { FakeClock } from "../helpers/fake-clock.js";
import { eventually, inspectRaw, killContainer, removeByLabel } from "./helpers/docker-cleanup.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE_A = `wk-${RUN}-a`;
const NODE_B = `wk-${RUN}-b`;
const runtime = new DockerRuntime();
let dataDir: string;
const workers: Worker[] = [];

interface Harness {
  worker: Worker;
  clock: FakeClock;
  statuses: PodStatusReport[];
}

function makeWorker(node: string, clock = new FakeClock(Date.now())): Harness {
  const statuses: PodStatusReport[] = [];
  const worker = new Worker({
    nodeName: node,
    dataDir,
    hostIP: "127.0.0.1",
    runtime,
    clock,
    logger: silentLogger,
    onStatus: (r) => statuses.push(r),
  });
  workers.push(worker);
  return { worker, clock, statuses };
}

function latest(h: Harness, uid: string): ContainerStatus | undefined {
  return [...h.statuses].reverse().find((s) => s.uid === uid)?.status.containerStatuses?.[0];
}

/** The node's pod containers (not their sandboxes). */
async function mine(node: string) {
  return (await runtime.list(nodeFilter(node))).filter((c) => c.labels[LABELS.container] !== SANDBOX);
}

/** Everything the node runs, sandboxes included. */
function everything(node: string) {
  return runtime.list(nodeFilter(node));
}

function pod(
  uid: string,
  container: Partial<Pod["spec"]["containers"][number]> = {},
  spec: Partial<Pod["spec"]> = {},
): Pod {
  return {
    metadata: {
      name: `web-${uid}`,
      namespace: "default",
      uid: `${RUN}-${uid}`,
      labels: { app: "web", "controller-revision-hash": "r1" },
    },
    spec: {
      nodeName: NODE_A,
      terminationGracePeriodSeconds: 2,
      containers: [{ name: "web", image: "everynode/web:test", ...container }],
      ...spec,
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-worker-"));
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await removeByLabel(LABELS.node, NODE_A);
  await removeByLabel(LABELS.node, NODE_B);
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("Worker on Docker", () => {
  let port: number;
  const web = (): Pod =>
    pod("web", {
      ports: [{ containerPort: 80, hostPort: port, hostIP: "127.0.0.1" }],
      env: [
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_UID", valueFrom: { fieldRef: { fieldPath: "metadata.uid" } } },
        { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: "MSG", value: "running on $(NODE)" },
      ],
    });
  let a: Harness;
  let firstId: string;

  it("a set with one pod gives one running, labelled container that answers on its hostPort", async () => {
    port = await freePort();
    a = makeWorker(NODE_A);
    await a.worker.start();
    expect(a.worker.setDesired(1, [web()])).toBe(true);
    await a.worker.settle();
    const list = await mine(NODE_A);
    expect(list).toHaveLength(1);
    const c = list[0]!;
    firstId = c.id;
    expect(c.state).toBe("running");
    expect(c.labels).toMatchObject({
      [LABELS.managed]: "true",
      [LABELS.node]: NODE_A,
      [LABELS.podUid]: `${RUN}-web`,
      [LABELS.podName]: "web-web",
      [LABELS.podNamespace]: "default",
      [LABELS.container]: "web",
      [LABELS.revision]: "r1",
      [LABELS.restartCount]: "0",
    });
    const raw = await inspectRaw(c.id);
    expect(raw.HostConfig.Init).toBe(true);
    expect(raw.HostConfig.RestartPolicy?.Name).toBe("no");
    expect(raw.Config.Env).toEqual(
      expect.arrayContaining([
        `NODE=${NODE_A}`,
        "POD_NAME=web-web",
        `POD_UID=${RUN}-web`,
        "HOST_IP=127.0.0.1",
        "APP=web",
        `MSG=running on ${NODE_A}`,
      ]),
    );
    await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
      return res?.status === 200;
    });
    const st = latest(a, `${RUN}-web`);
    expect(st).toMatchObject({ ready: true, restartCount: 0, containerID: `docker://${c.id}` });
    expect(st?.state.running?.startedAt).toBeDefined();
  });

  it("a second agent with another node name on the same daemon does not touch it", async () => {
    const b = makeWorker(NODE_B);
    await b.worker.start();
    b.worker.setDesired(1, []);
    await b.worker.settle();
    expect((await mine(NODE_A)).map((c) => [c.id, c.state])).toEqual([[firstId, "running"]]);
    expect(await everything(NODE_B)).toEqual([]);
    await b.worker.stop();
  });

  it("`docker kill` → restarted at once, restartCount grows, lastState holds the kill", async () => {
    await killContainer(firstId);
    await eventually(async () => (await mine(NODE_A)).some((c) => c.state === "running" && c.id !== firstId));
    await a.worker.settle();
    await eventually(async () => {
      await a.worker.reconcileNow();
      return latest(a, `${RUN}-web`)?.restartCount === 1 && latest(a, `${RUN}-web`)?.ready === true;
    });
    const st = latest(a, `${RUN}-web`)!;
    expect(st.lastState.terminated).toMatchObject({
      exitCode: 137,
      reason: "Error",
      containerID: `docker://${firstId}`,
    });
    const running = (await mine(NODE_A)).find((c) => c.state === "running")!;
    expect(running.labels[LABELS.restartCount]).toBe("1");
    firstId = running.id;
  });

  it("a restarted worker adopts the running container (same id), nothing removed before its first set", async () => {
    await a.worker.stop();
    const again = makeWorker(NODE_A);
    await again.worker.start();
    await again.worker.settle();
    expect((await mine(NODE_A)).find((c) => c.state === "running")?.id).toBe(firstId);
    again.worker.setDesired(2, [web()]);
    await again.worker.settle();
    expect((await mine(NODE_A)).find((c) => c.state === "running")?.id).toBe(firstId);
    a = again;
  });

  it("removed from the set → its containers are gone", async () => {
    a.worker.setDesired(3, []);
    await a.worker.settle();
    expect(await everything(NODE_A)).toEqual([]);
  });

  it("a container that exits at once crash-loops with 10 s, then 20 s back-off", async () => {
    const uid = `${RUN}-crash`;
    a.worker.setDesired(4, [pod("crash", { command: ["sh", "-c", "exit 1"] })]);
    // attempt 0 exits, attempt 1 follows at once, then the back-off starts.
    await eventually(async () => {
      await a.worker.settle();
      return latest(a, uid)?.state.waiting?.reason === "CrashLoopBackOff";
    });
    let st = latest(a, uid)!;
    expect(st.restartCount).toBe(1);
    expect(st.state.waiting?.message).toBe(
      `back-off 10s restarting failed container=web pod=web-crash_default(${uid})`,
    );
    expect(st.lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error" });

    await a.clock.set(Date.now() + 11_000);
    await eventually(async () => {
      await a.worker.settle();
      const s = latest(a, uid);
      return s?.restartCount === 2 && s.state.waiting?.reason === "CrashLoopBackOff";
    });
    st = latest(a, uid)!;
    expect(st.state.waiting?.message).toMatch(/^back-off 20s restarting failed container=web/);
    // Only the live attempt and the one before it are kept.
    expect((await mine(NODE_A)).length).toBeLessThanOrEqual(2);
    a.worker.setDesired(5, []);
    await a.worker.settle();
  });

  it("a missing image → ErrImagePull, then ImagePullBackOff", async () => {
    const uid = `${RUN}-missing`;
    a.worker.setDesired(6, [
      pod("missing", { image: "everynode/does-not-exist:1", imagePullPolicy: "IfNotPresent" }),
    ]);
    await a.worker.settle();
    // ErrImagePull is reported once, then ImagePullBackOff at the next pass (which an engine
    // event, such as the pod's sandbox starting, may bring at any moment): look at them all.
    const reported = (): ContainerStatus[] =>
      a.statuses.filter((s) => s.uid === uid).map((s) => s.status.containerStatuses?.[0] as ContainerStatus);
    await eventually(() => reported().some((s) => s?.state.waiting?.reason === "ErrImagePull"));
    expect(
      reported().find((s) => s?.state.waiting?.reason === "ErrImagePull")?.state.waiting?.message,
    ).toMatch(/failed to pull image "everynode\/does-not-exist:1"/);
    await a.worker.reconcileNow();
    expect(latest(a, uid)?.state.waiting).toEqual({
      reason: "ImagePullBackOff",
      message: 'Back-off pulling image "everynode/does-not-exist:1"',
    });
    // Only the pod's sandbox runs.
    expect(await mine(NODE_A)).toEqual([]);
  });

  it("ignores a set older than the one applied", () => {
    expect(a.worker.setDesired(2, [web()])).toBe(false);
    expect(a.worker.appliedRevision).toBe(6);
  });
});
