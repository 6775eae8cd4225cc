// The manager against a scripted engine, a real directory and the fake clock: a container's
// files appear, stay while it exists and for the grace period after, then go; files another
// node's container still uses are kept; an engine that fails is not asked in a hot loop.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/container-runtime.js";
import { LABELS } from "../runtime/labels.js";
import { PodLogManager } from "./pod-log-manager.js";

const ID = "d".repeat(64);

function container(node: string, uid: string, id = ID): ObservedContainer {
  return {
    id,
    name: "x",
    labels: {
      [LABELS.managed]: "true",
      [LABELS.node]: node,
      [LABELS.podUid]: uid,
      [LABELS.podNamespace]: "ns",
      [LABELS.podName]: "p",
      [LABELS.container]: "app",
      [LABELS.restartCount]: "0",
    },
    image: "i",
    imageId: "i",
    state: "exited",
    exitCode: 0,
    createdAt: 1,
    startedAt: 1,
    finishedAt: 2,
    oomKilled: false,
  };
}

/** An engine listing `running` (settable); `failing` makes every list throw. */
function engine(): { rt: ContainerRuntime; running: ObservedContainer[]; failing: boolean; lists: number } {
  const state = {
    running: [] as ObservedContainer[],
    failing: false,
    lists: 0,
    rt: undefined as unknown as ContainerRuntime,
  };
  state.rt = {
    list: async (filter: Record<string, string>) => {
      state.lists++;
      if (state.failing) throw new Error("engine down");
      return state.running.filter((c) => Object.entries(filter).every(([k, v]) => c.labels[k] === v));
    },
    inspect: async (id: string) => state.running.find((c) => c.id === id),
    logs: async (_id: string, _o: unknown, sink: (b: Buffer, s: "stdout") => void) => {
      sink(Buffer.from("2026-12-05T12:00:00.000000001Z hi\n"), "stdout");
    },
    events: (_f: unknown, signal: AbortSignal) =>
      new Promise<void>((r) => signal.addEventListener("abort", () => r())),
  } as unknown as ContainerRuntime;
  return state;
}

describe("PodLogManager", () => {
  const dirs: string[] = [];
  const managers: PodLogManager[] = [];
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.stop()));
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const setup = (): { root: string; clock: FakeClock; e: ReturnType<typeof engine>; m: PodLogManager } => {
    const root = mkdtempSync(path.join(os.tmpdir(), "everynode-podlogs-"));
    dirs.push(root);
    const clock = new FakeClock();
    const e = engine();
    const m = new PodLogManager({
      runtime: e.rt,
      nodeName: "n1",
      root,
      policy: { maxBytes: 1 << 20, maxFiles: 5 },
      clock,
      logger: silentLogger,
      random: () => 1,
    });
    managers.push(m);
    return { root, clock, e, m };
  };

  const settle = async (m: PodLogManager, clock: FakeClock): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await clock.advance(0);
      await m.idle();
    }
    await new Promise((r) => setTimeout(r, 50));
  };

  it("removes a container's files and link a minute after the container is gone", async () => {
    const { root, clock, e, m } = setup();
    e.running = [container("n1", "u1")];
    m.start();
    await settle(m, clock);
    const file = path.join(root, "pods/ns_p_u1/app/0.log");
    const link = path.join(root, `containers/p_ns_app-${ID}.log`);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(link)).toBe(true);

    e.running = [];
    m.trigger();
    await settle(m, clock);
    await clock.advance(59_000);
    await settle(m, clock);
    expect(existsSync(file)).toBe(true);
    await clock.advance(11_000);
    await settle(m, clock);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(link)).toBe(false);
    expect(existsSync(path.join(root, "pods/ns_p_u1"))).toBe(false);
  });

  it("keeps the files of another node's running container in a shared directory", async () => {
    const { root, clock, e, m } = setup();
    const theirs = path.join(root, "pods/ns_p_u2/app/0.log");
    mkdirSync(path.dirname(theirs), { recursive: true });
    writeFileSync(theirs, "");
    e.running = [container("n2", "u2", "e".repeat(64))];
    m.start();
    await clock.advance(120_000);
    await settle(m, clock);
    expect(existsSync(theirs)).toBe(true);
  });

  it("backs off while the engine cannot list containers", async () => {
    const { clock, e, m } = setup();
    e.failing = true;
    m.start();
    for (let i = 0; i < 60; i++) {
      m.trigger();
      await clock.advance(1000);
    }
    // A minute of triggers every second: waits of 1, 2, 4, 8, 16, 32 s, not 60 lists.
    expect(e.lists).toBeLessThanOrEqual(8);
  });
});
