// A pod the node cannot start, on the real Docker engine: the agent says why in the pod's
// status and tries again only on the crash-loop schedule (10 s, then 20 s, ...), however
// many hints arrive in between. The attempts are counted at the runtime.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContainerCreateSpec, ContainerRuntime } from "../../agent/runtime/container-runtime.js";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, SANDBOX } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { ContainerStatus, Pod } from "../../shared/api-types.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { testPod, testWorker } from "./helpers/test-pods.js";
import { removeByLabel } from "./helpers/docker-cleanup.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `wf-${RUN}`;
let nodes = 0;
let dataDir: string;
const workers: Worker[] = [];

/** The real runtime, counting what the worker asks of it. */
function counting(): { runtime: ContainerRuntime; calls: Record<string, number> } {
  const real = new DockerRuntime();
  const calls: Record<string, number> = {};
  const runtime = new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        // Sandboxes are counted apart from the pod's containers.
        const sandbox =
          prop === "createContainer" && (args[0] as ContainerCreateSpec).labels[LABELS.container] === SANDBOX;
        const name = sandbox ? "createSandbox" : String(prop);
        calls[name] = (calls[name] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { runtime, calls };
}

function pod(
  uid: string,
  spec: Partial<Pod["spec"]>,
  container: Partial<Pod["spec"]["containers"][number]> = {},
): Pod {
  return testPod(RUN, uid, spec, container);
}

async function harness(p: Pod) {
  const { runtime, calls } = counting();
  const statuses: PodStatusReport[] = [];
  // One node per case: a worker removes the containers of pods it was not given.
  const nodeName = `${NODE}-${++nodes}`;
  p.spec.nodeName = nodeName;
  const { worker, clock } = testWorker({ nodeName, dataDir, runtime, statuses });
  workers.push(worker);
  await worker.start();
  worker.setDesired(1, [p]);
  await worker.settle();
  const latest = (): ContainerStatus | undefined =>
    [...statuses].reverse().find((s) => s.uid === p.metadata.uid)?.status.containerStatuses?.[0];
  /** Many hints, as Docker events and status changes would give: none may bring an attempt forward. */
  const hammer = async (): Promise<void> => {
    for (let i = 0; i < 50; i++) {
      worker.trigger();
      await new Promise((r) => setImmediate(r));
    }
    await worker.settle();
  };
  const advance = async (ms: number): Promise<void> => {
    await clock.advance(ms);
    await worker.settle();
  };
  /** What the runtime was asked and the node last reported: the message of a failed count. */
  const trail = (): string => JSON.stringify({ calls, last: latest() });
  return { worker, calls, latest, hammer, advance, trail };
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-wfail-"));
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  for (let i = 1; i <= nodes; i++) await removeByLabel(LABELS.node, `${NODE}-${i}`);
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("a pod the node cannot start", () => {
  it("a config the agent refuses waits with CreateContainerConfigError and is retried on the back-off only", async () => {
    const h = await harness(
      pod(
        "cfg",
        { volumes: [{ name: "v", nfs: { server: "x", path: "/" } } as never] },
        {
          volumeMounts: [{ name: "v", mountPath: "/v" }],
        },
      ),
    );
    expect(h.latest()?.state.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: expect.stringContaining('volume "v"'),
    });
    expect(h.calls.ensureImage).toBe(1);
    await h.hammer();
    expect(h.calls.ensureImage).toBe(1);
    await h.advance(9_000);
    expect(h.calls.ensureImage).toBe(1);
    await h.advance(1_500);
    expect(h.calls.ensureImage).toBe(2);
    // The second failure doubles the wait: 20 s.
    await h.advance(15_000);
    await h.hammer();
    expect(h.calls.ensureImage).toBe(2);
    await h.advance(6_000);
    expect(h.calls.ensureImage).toBe(3);
    expect(h.calls.createContainer ?? 0).toBe(0);
    // The pod's sandbox was made once and stays.
    expect(h.calls.createSandbox).toBe(1);
  });

  it("a hostPath of the wrong type keeps the container creating with a FailedMount message, and starts once fixed", async () => {
    const file = path.join(dataDir, "later.sock");
    const h = await harness(
      pod(
        "mnt",
        { volumes: [{ name: "sock", hostPath: { path: file, type: "File" } }] },
        {
          volumeMounts: [{ name: "sock", mountPath: "/run/x.sock" }],
        },
      ),
    );
    expect(h.latest()?.state.waiting).toEqual({
      reason: "ContainerCreating",
      message: `MountVolume.SetUp failed for volume "sock" : hostPath type check failed: ${file} does not exist (type File)`,
    });
    await h.hammer();
    expect(h.calls.ensureImage).toBe(1);
    await fs.writeFile(file, "");
    await h.advance(10_500);
    expect(h.calls.createContainer).toBe(1);
    expect(h.latest()?.state.running).toBeDefined();
  });

  it("a container that dies at once is restarted on the crash-loop back-off, not at every hint", async () => {
    const h = await harness(pod("run", {}, { command: ["/no/such/binary"] }));
    // The first restart comes at once, as on a kubelet; then the streak waits 10 s.
    expect(h.calls.createContainer, h.trail()).toBe(2);
    await h.hammer();
    expect(h.calls.createContainer, h.trail()).toBe(2);
    expect(h.latest()?.state.waiting?.reason, h.trail()).toBe("CrashLoopBackOff");
    expect(h.latest()?.lastState.terminated?.exitCode).toBe(127);
    // The wait counts from the engine's finish time, a little after the clock's start.
    await h.advance(15_000);
    expect(h.calls.createContainer, h.trail()).toBe(3);
  });
});
