// A pod's life on the real Docker engine: init containers in order, each to completion,
// before the app containers; a sidecar started and kept; a failing one holds the pod in
// PodInitializing; a new sandbox runs them again; their images go through the pull policy.
// postStart and preStop hooks (exec, httpGet), and a failing postStart hook.

import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { Pod, PodStatus } from "../../shared/api-types.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { eventually, killContainer } from "./helpers/docker-cleanup.js";
import { startWorker, stopWorker, testPod } from "./helpers/test-pods.js";

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
  ({ worker, dataDir } = await startWorker("everynode-init-", { nodeName: NODE, runtime, statuses }));
});

afterAll(async () => {
  await stopWorker(worker, NODE, dataDir);
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

  it("postStart and preStop hooks run (exec and httpGet), preStop within the grace period", async () => {
    const hooks = path.join(dataDir, "hooks");
    await fs.mkdir(hooks, { recursive: true });
    const p = testPod(
      RUN,
      "hooks",
      {
        nodeName: NODE,
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: "h", hostPath: { path: hooks } }],
      },
      {
        command: ["sleep", "3600"],
        volumeMounts: [{ name: "h", mountPath: "/hooks" }],
        lifecycle: {
          postStart: { exec: { command: ["sh", "-c", "echo started > /hooks/post"] } },
          preStop: { exec: { command: ["sh", "-c", "echo stopping > /hooks/pre"] } },
        },
      },
    );
    p.spec.containers.push({
      name: "web",
      image: "everynode/web:test",
      ports: [{ name: "http", containerPort: 80 }],
      lifecycle: { preStop: { httpGet: { path: "/bye", port: "http" } } },
      command: ["sh", "-c", "httpd -f -vv -p 80 -h /www 2>>/hooks/web.log"],
      volumeMounts: [{ name: "h", mountPath: "/hooks" }],
    });
    worker.setDesired(5, [p]);
    await until(
      async () =>
        (await running("hooks", "web")) !== undefined && (await running("hooks", "c")) !== undefined,
    );
    expect(await fs.readFile(path.join(hooks, "post"), "utf8")).toBe("started\n");
    const deleted = { ...p, metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString() } };
    worker.setDesired(6, [deleted]);
    await worker.settle();
    expect(await fs.readFile(path.join(hooks, "pre"), "utf8")).toBe("stopping\n");
    // The web server logged the httpGet hook's request, made to the pod's IP.
    expect(await fs.readFile(path.join(hooks, "web.log"), "utf8")).toContain("/bye");
    expect(statuses.some((s) => s.uid === p.metadata.uid && s.gone === true)).toBe(true);
  });

  it("a failing postStart hook kills the container, which says why", async () => {
    worker.setDesired(7, [
      testPod(
        RUN,
        "badhook",
        { nodeName: NODE },
        {
          command: ["sleep", "3600"],
          lifecycle: { postStart: { exec: { command: ["sh", "-c", "exit 7"] } } },
        },
      ),
    ]);
    await until(
      () =>
        (statusOf("badhook")?.containerStatuses?.[0]?.lastState.terminated?.message ?? "").startsWith(
          "PostStartHookError",
        ) ||
        (statusOf("badhook")?.containerStatuses?.[0]?.state.terminated?.message ?? "").startsWith(
          "PostStartHookError",
        ),
    );
  });

  it("an init container's image goes through its pull policy", async () => {
    worker.setDesired(8, [
      pod("pull", [{ ...step("missing", "true"), image: "everynode/absent:1", imagePullPolicy: "Never" }]),
    ]);
    await until(
      () => statusOf("pull")?.initContainerStatuses?.[0]?.state.waiting?.reason === "ErrImageNeverPull",
    );
    worker.setDesired(9, []);
    await worker.settle();
  });
});
