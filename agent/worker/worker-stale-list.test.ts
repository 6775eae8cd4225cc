import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { ContainerCreateSpec, ObservedContainer } from "../runtime/container-runtime.js";
import { FakeRuntime } from "../../test/agent/helpers/fake-runtime.js";
import { FakeClock, flush } from "../../test/helpers/fake-clock.js";
import { Worker } from "./worker.js";

/** A gate a test opens: `reached` resolves when something waits at it. */
function gate(): { wait: () => Promise<void>; reached: Promise<void>; open: () => void } {
  let open!: () => void;
  let reach!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const reached = new Promise<void>((r) => (reach = r));
  return {
    wait: () => {
      reach();
      return opened;
    },
    reached,
    open,
  };
}

/** The fake engine, with the app container's creation and one list held at gates. */
class GatedRuntime extends FakeRuntime {
  createGate: ReturnType<typeof gate> | undefined;
  listGate: ReturnType<typeof gate> | undefined;
  appCreates = 0;

  override async createContainer(spec: ContainerCreateSpec): Promise<string> {
    if (spec.labels["io.everynode.container.name"] !== "POD") {
      this.appCreates++;
      await this.createGate?.wait();
    }
    return super.createContainer(spec);
  }

  override async list(filter: Record<string, string>): Promise<ObservedContainer[]> {
    const seen = await super.list(filter);
    const g = this.listGate;
    this.listGate = undefined;
    await g?.wait();
    return seen;
  }
}

const POD: Pod = {
  metadata: { name: "web-1", namespace: "default", uid: "u1" },
  spec: { nodeName: "n1", containers: [{ name: "web", image: "everynode/web:test" }] },
};

describe("Worker: a pass whose container list predates a pod's last operation", () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("does not act on it: the container that operation created is not created twice", async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "everynode-worker-stale-"));
    const clock = new FakeClock(Date.UTC(2026, 11, 1));
    const runtime = new GatedRuntime(clock);
    const worker = new Worker({
      nodeName: "n1",
      dataDir,
      hostIP: "127.0.0.1",
      runtime,
      clock,
      logger: silentLogger,
      onStatus: () => {},
      pauseImage: { ref: "everynode/web:test" },
    });
    await worker.start();
    const create = gate();
    runtime.createGate = create;
    worker.setDesired(1, [POD]);
    // The sandbox is made, then the app container's creation starts and is held.
    await create.reached;
    // A pass lists the containers now (no app container yet), and is held before it plans.
    const list = gate();
    runtime.listGate = list;
    worker.trigger();
    await list.reached;
    // The creation goes on: the container is made and started, the operation ends.
    create.open();
    for (let i = 0; i < 10; i++) await flush();
    expect(runtime.ofNode("n1").map((c) => c.state)).toEqual(["running"]);
    // The held pass plans from its old list: without the container it would create it again.
    list.open();
    await worker.settle();
    expect(runtime.appCreates).toBe(1);
    expect(runtime.ofNode("n1")).toHaveLength(1);
    await worker.stop();
  });
});
