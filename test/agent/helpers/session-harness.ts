// What the agent's join and session tests share: one fake control plane per file (real
// HTTPS, real WebSocket, pinned CA), reset after each test, and an agent on an in-memory
// runtime and a fake clock, whose data dirs go when the file is done.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { Agent } from "../../../agent/agent.js";
import type { Pod } from "../../../shared/api-types.js";
import { createLogger, type Logger } from "../../../shared/logger.js";
import type { AgentMessage } from "../../../shared/protocol.js";
import { FakeClock } from "../../helpers/fake-clock.js";
import { FakeControlPlane, makePki, type AgentConn, type Pki } from "./fake-control-plane.js";
import { FakeRuntime } from "./fake-runtime.js";

export function pod(uid: string): Pod {
  return {
    metadata: { name: `web-${uid}`, namespace: "default", uid },
    spec: { nodeName: "node-a", containers: [{ name: "web", image: "everynode/web:test" }] },
  };
}

export function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: "debug", write: (l) => lines.push(l) }), lines };
}

export function ofType<T extends AgentMessage["type"]>(
  c: AgentConn | undefined,
  t: T,
): Extract<AgentMessage, { type: T }>[] {
  return (c?.received ?? []).filter((m): m is Extract<AgentMessage, { type: T }> => m.type === t);
}

export interface SessionHarness {
  readonly pki: Pki;
  /** The file's fake control plane (set before the first test). */
  readonly cp: FakeControlPlane;
  /** A temp dir removed after the file's tests. */
  tmpDir(): Promise<string>;
  /** An agent for node-a, started (joined with a fresh join token unless told). */
  startAgent(opts?: { token?: string; dataDir?: string }): Promise<{
    agent: Agent;
    clock: FakeClock;
    runtime: FakeRuntime;
    lines: string[];
    dataDir: string;
  }>;
}

/** Registers the file's hooks; call once at the top of a test file. */
export function sessionHarness(): SessionHarness {
  const pki = makePki();
  const dirs: string[] = [];
  let cp: FakeControlPlane | undefined;
  const running = (): FakeControlPlane => {
    if (!cp) throw new Error("the fake control plane starts in beforeAll");
    return cp;
  };
  beforeAll(async () => {
    cp = new FakeControlPlane(pki);
    await cp.start();
  });
  afterEach(() => {
    const c = running();
    c.registers.length = 0;
    c.conns.length = 0;
    c.acceptCredential = true;
    c.onHello = (_c, h) => [{ v: 1, type: "welcome", nodeName: h.nodeName, heartbeatIntervalSeconds: 10 }];
  });
  afterAll(async () => {
    await cp?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });
  const tmpDir = async (): Promise<string> => {
    const d = await fs.mkdtemp(path.join(os.tmpdir(), "everynode-agent-"));
    dirs.push(d);
    return d;
  };
  return {
    pki,
    get cp() {
      return running();
    },
    tmpDir,
    startAgent: async (opts = {}) => {
      const clock = new FakeClock(Date.now());
      const runtime = new FakeRuntime(clock);
      const { logger, lines } = capture();
      const dataDir = opts.dataDir ?? (await tmpDir());
      const agent = new Agent(
        {
          server: running().url,
          joinToken: opts.token ?? running().joinToken(),
          nodeName: "node-a",
          dataDir,
          nodeIP: "127.0.0.1",
          labels: { zone: "a" },
        },
        { runtime, clock, logger, random: () => 0 },
      );
      await agent.start();
      return { agent, clock, runtime, lines, dataDir };
    },
  };
}
