// Container probes on the real Docker engine: readiness gates the Ready condition, a failing
// liveness probe restarts the container, and exec, httpGet and tcpSocket handlers all work.
// The worker runs on a fake clock: each step moves it one probe period and lets Docker work.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import { Worker } from "../../agent/worker/worker.js";
import type { Container, Pod, PodStatus } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { FakeClock } from "../helpers/fake-clock.js";
import { removeByLabel } from "./helpers/docker-cleanup.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `probe-${RUN}`;
const runtime = new DockerRuntime();
let dataDir: string;
let worker: Worker;
const clock = new FakeClock(Date.now());
const statuses: PodStatusReport[] = [];

function pod(name: string, container: Partial<Container>): Pod {
  return {
    metadata: { name: `web-${name}`, namespace: "default", uid: `${RUN}-${name}` },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 2,
      containers: [
        {
          name: "web",
          image: "everynode/web:test",
          ports: [{ name: "http", containerPort: 80 }],
          ...container,
        },
      ],
    },
  };
}

function latest(name: string): PodStatus | undefined {
  return [...statuses].reverse().find((s) => s.uid === `${RUN}-${name}`)?.status;
}

const condition = (s: PodStatus | undefined, type: string) => s?.conditions?.find((c) => c.type === type);

/** One probe period on the fake clock, with the probes and Docker given time to finish. */
async function step(): Promise<void> {
  await worker.settle();
  await worker.probesIdle();
  await clock.advance(1000);
  await worker.probesIdle();
  await worker.settle();
}

/** Steps until `cond` holds (at most `max` periods). */
async function until(cond: () => boolean, max = 12): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (cond()) return;
    await step();
    await new Promise((r) => setTimeout(r, 50)); // Docker's own events and exits
  }
  if (!cond()) throw new Error("condition not met in time");
}

async function runningId(name: string): Promise<string> {
  const list = await runtime.list(nodeFilter(NODE));
  const c = list.find(
    (o) =>
      o.labels[LABELS.podUid] === `${RUN}-${name}` &&
      o.labels[LABELS.container] !== SANDBOX &&
      o.state === "running",
  );
  if (!c)
    throw new Error(
      `no running container for ${name}: ${JSON.stringify(list.map((o) => [o.labels[LABELS.podUid], o.labels[LABELS.container], o.state]))}`,
    );
  return c.id;
}

const fast = { periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 };

const pods = {
  exec: pod("exec", { readinessProbe: { exec: { command: ["test", "-f", "/tmp/ready"] }, ...fast } }),
  http404: pod("http404", { readinessProbe: { httpGet: { port: "http", path: "/missing.html" }, ...fast } }),
  tcp: pod("tcp", {
    readinessProbe: { tcpSocket: { port: 80 }, ...fast },
    livenessProbe: { httpGet: { port: 80, path: "/index.html" }, ...fast },
  }),
  tcpClosed: pod("tcpclosed", { readinessProbe: { tcpSocket: { port: 81 }, ...fast } }),
};
// Added when its test starts: its probe fails from the first period, so it must not be killed
// while the tests before it move the clock.
const liveness = pod("liveness", {
  livenessProbe: { httpGet: { port: 80, path: "/missing.html" }, ...fast },
});

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-probes-"));
  worker = new Worker({
    nodeName: NODE,
    dataDir,
    hostIP: "127.0.0.1",
    runtime,
    clock,
    logger: silentLogger,
    onStatus: (r) => statuses.push(r),
  });
  await worker.start();
  worker.setDesired(1, Object.values(pods));
  await worker.settle();
});

afterAll(async () => {
  await worker?.stop();
  await removeByLabel(LABELS.node, NODE);
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("probes on Docker", () => {
  it("an exec readiness probe failing → not Ready; once the file exists → Ready", async () => {
    await until(() => latest("exec")?.message !== undefined);
    let s = latest("exec");
    expect(s?.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
    expect(condition(s, "Ready")).toMatchObject({ status: "False", reason: "ContainersNotReady" });
    expect(condition(s, "ContainersReady")?.message).toBe("containers with unready status: [web]");
    expect(s?.message).toBe('web: Readiness probe failed: command "test -f /tmp/ready" exited with code 1');

    const touched = await runtime.exec(
      await runningId("exec"),
      ["touch", "/tmp/ready"],
      new AbortController().signal,
    );
    expect(touched.exitCode).toBe(0);
    await until(() => condition(latest("exec"), "Ready")?.status === "True");
    s = latest("exec");
    expect(s?.containerStatuses?.[0]?.ready).toBe(true);
    expect(condition(s, "ContainersReady")?.status).toBe("True");
    expect(s?.message).toBeUndefined();
  });

  it("an httpGet readiness probe on a missing file (404) keeps the pod not Ready", async () => {
    await until(() => latest("http404")?.message !== undefined);
    const s = latest("http404");
    expect(s?.message).toBe("web: Readiness probe failed: HTTP probe failed with statuscode: 404");
    expect(condition(s, "Ready")?.status).toBe("False");
    expect(s?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it("a tcpSocket probe on port 80 passes (with a passing httpGet liveness probe); port 81 fails", async () => {
    await until(() => condition(latest("tcp"), "Ready")?.status === "True");
    expect(latest("tcp")?.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0 });
    await until(() => latest("tcpclosed")?.message !== undefined);
    expect(latest("tcpclosed")?.message).toMatch(/^web: Readiness probe failed: dial tcp [\d.]+:81: /);
    expect(condition(latest("tcpclosed"), "Ready")?.status).toBe("False");
  });

  it("a liveness probe failing 3 times → the container is restarted with the probe's message", async () => {
    worker.setDesired(2, [...Object.values(pods), liveness]);
    await worker.settle();
    const first = await runningId("liveness");
    await until(() => latest("liveness")?.containerStatuses?.[0]?.restartCount === 1, 20);
    const cs = latest("liveness")?.containerStatuses?.[0];
    expect(cs?.lastState.terminated).toMatchObject({
      containerID: `docker://${first}`,
      message: "Liveness probe failed: HTTP probe failed with statuscode: 404",
    });
    expect(cs?.lastState.terminated?.exitCode).not.toBe(0);
    expect(await runningId("liveness")).not.toBe(first);
    // A pod with only a liveness probe is Ready while it runs.
    expect(cs?.ready).toBe(true);
  });

  it("failing again soon after → the crash-loop back-off applies", async () => {
    const waiting = () => latest("liveness")?.containerStatuses?.[0]?.state.waiting;
    await until(() => waiting()?.reason === "CrashLoopBackOff", 20);
    const cs = latest("liveness")?.containerStatuses?.[0];
    expect(cs?.restartCount).toBe(1);
    expect(waiting()?.message).toMatch(/^back-off 10s restarting failed container=web /);
    expect(cs?.lastState.terminated?.message).toBe(
      "Liveness probe failed: HTTP probe failed with statuscode: 404",
    );
    expect(cs?.ready).toBe(false);
  });
});
