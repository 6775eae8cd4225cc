// Init containers on the real Docker engine: in order, each to completion, before the app
// containers; a sidecar is started and kept; a failing one holds the pod in PodInitializing;
// a new sandbox runs them again; their images go through the pull policy.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { Pod, PodStatus } from "../../shared/api-types.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { eventually, killContainer, removeByLabel } from "./helpers/docker-cleanup.js";
import { testPod, testWorker } from "./helpers/test-pods.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `init-${RUN}`;
const runtime = new DockerRuntime();
let dataDir: string;
let worker: Worker;
const statuses: PodStatusReport[] = [];

const work = { volumeMounts: [{ name: "work", mountPath: "/work" }] };
const step = (name: string, script: string) => ({
  name,
  image: "everynode/web:test",
  command: ["sh", "-c", script],
  ...work,
});

function pod(uid: string, initContainers: Pod["spec"]["containers"]): Pod {
  return testPod(
    RUN,
    uid,
    { nodeName: NODE, initContainers, volumes: [{ name: "work", emptyDir: {} }] },
    { command: ["sleep", "3600"], ...work },
  );
}

function statusOf(uid: string): PodStatus | undefined {
  return [...statuses].reverse().find((s) => s.uid === `${RUN}-${uid}`)?.status;
}

async function running(uid: string, name: string): Promise<string | undefined> {
  return (await runtime.list(nodeFilter(NODE))).find(
    (c) =>
      c.labels[LABELS.podUid] === `${RUN}-${uid}` &&
      c.labels[LABELS.container] === name &&
      c.state === "running",
  )?.id;
}

async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  await eventually(async () => {
    await worker.settle();
    return cond();
  });
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-init-"));
  worker = testWorker({ nodeName: NODE, dataDir, runtime, statuses }).worker;
  await worker.start();
});

afterAll(async () => {
  await worker.stop();
  await removeByLabel(LABELS.node, NODE);
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("init containers on Docker", () => {
  const ordered = pod("ok", [
    step("one", "echo one >> /work/order"),
    { ...step("side", "echo side >> /work/order; sleep 3600"), restartPolicy: "Always" },
    step("two", "echo two >> /work/order"),
  ]);

  it("run in order, each to completion, the sidecar kept running, then the app container", async () => {
    worker.setDesired(1, [ordered]);
    await until(async () => (await running("ok", "c")) !== undefined);
    const app = (await running("ok", "c"))!;
    const r = await runtime.exec(app, ["cat", "/work/order"], AbortSignal.timeout(10_000));
    expect(r.output.trim().split("\n")).toEqual(["one", "side", "two"]);
    expect(await running("ok", "side")).toBeDefined();
    await until(() => statusOf("ok")?.phase === "Running");
    const s = statusOf("ok")!;
    expect(s.conditions?.find((c) => c.type === "Initialized")?.status).toBe("True");
    expect(
      s.initContainerStatuses?.map((c) => [
        c.name,
        c.ready,
        c.state.terminated?.reason ?? Object.keys(c.state)[0],
      ]),
    ).toEqual([
      ["one", true, "Completed"],
      ["side", true, "running"],
      ["two", true, "Completed"],
    ]);
  });

  it("a new sandbox runs them again", async () => {
    const sandbox = (await running("ok", SANDBOX))!;
    await killContainer(sandbox);
    await until(async () => {
      const app = await running("ok", "c");
      if (!app) return false;
      const r = await runtime.exec(app, ["cat", "/work/order"], AbortSignal.timeout(10_000));
      return r.output.trim().split("\n").length === 6;
    });
    const app = (await running("ok", "c"))!;
    const r = await runtime.exec(app, ["cat", "/work/order"], AbortSignal.timeout(10_000));
    expect(r.output.trim().split("\n")).toEqual(["one", "side", "two", "one", "side", "two"]);
  });

  it("a failing one holds the pod: Initialized False, the app container waits in PodInitializing", async () => {
    worker.setDesired(2, [pod("bad", [step("fails", "exit 3")])]);
    await until(() => statusOf("bad")?.initContainerStatuses?.[0]?.lastState.terminated?.exitCode === 3);
    const s = statusOf("bad")!;
    expect(s.phase).toBe("Pending");
    expect(s.conditions?.find((c) => c.type === "Initialized")).toMatchObject({
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [fails]",
    });
    expect(s.containerStatuses?.[0]?.state.waiting?.reason).toBe("PodInitializing");
    expect(await running("bad", "c")).toBeUndefined();
  });

  it("an init container's image goes through its pull policy", async () => {
    worker.setDesired(3, [
      pod("pull", [{ ...step("missing", "true"), image: "everynode/absent:1", imagePullPolicy: "Never" }]),
    ]);
    await until(
      () => statusOf("pull")?.initContainerStatuses?.[0]?.state.waiting?.reason === "ErrImageNeverPull",
    );
    worker.setDesired(4, []);
    await worker.settle();
  });
});
