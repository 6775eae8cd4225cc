// A well-behaved agent without Docker, for tests that need a node to be connected: it says
// hello over a real WebSocket, heartbeats, and answers every log request with one known line.
// Optionally it plays the agent's part of graceful deletion (it announces gracefulDeletion
// and reports each terminating pod gone after a delay) and reports its pods Running and Ready.

import type { Pod, PodStatus } from "../../shared/api-types.js";
import type { ServerMessage } from "../../shared/protocol.js";
import { AGENT_CONNECT_PATH, decodeServerMessage } from "../../shared/protocol.js";
import { FakeAgent, hello } from "../agents/harness.js";

export const SCRIPTED_LOG_LINE = "scripted agent log line\n";

export interface ScriptedAgent {
  agent: FakeAgent;
  /** Resolves when the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  /** Uids of the terminating pods it reported gone. */
  reportedGone: Set<string>;
  /** The last assignment set it received. */
  lastSet(): Pod[];
  stop(): void;
}

export interface ScriptedAgentOptions {
  /** Announce gracefulDeletion and report each terminating pod gone this long after it arrives. */
  graceful?: { goneAfterMs: number };
  /** Report every pod of its set Running and Ready when it arrives. */
  reportReady?: boolean;
}

function runningStatus(pod: Pod, now: string): PodStatus {
  return {
    phase: "Running",
    conditions: [
      { type: "Initialized", status: "True", lastTransitionTime: now },
      { type: "Ready", status: "True", lastTransitionTime: now },
      { type: "ContainersReady", status: "True", lastTransitionTime: now },
    ],
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      state: { running: { startedAt: now } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image ?? "",
      imageID: "",
      containerID: `docker://${pod.metadata.uid ?? ""}${c.name}`,
    })),
  };
}

/** Connects as `nodeName` with its credential and waits for the welcome. */
export async function connectScriptedAgent(
  server: string,
  caPem: string,
  nodeName: string,
  credential: string,
  heartbeatMs = 3_000,
  options: ScriptedAgentOptions = {},
): Promise<ScriptedAgent> {
  const url = new URL(AGENT_CONNECT_PATH, server).toString().replace(/^https/, "wss");
  const agent = await FakeAgent.connect(url, credential, caPem);
  const reportedGone = new Set<string>();
  const reportedReady = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let last: Pod[] = [];
  const report = (pod: Pod, status: PodStatus, gone: boolean): void => {
    if (agent.ws.readyState !== agent.ws.OPEN) return;
    const { namespace = "default", name = "", uid = "" } = pod.metadata;
    agent.send({
      v: 1,
      type: "podStatus",
      seq: ++seq,
      statuses: [{ namespace, name, uid, status, ...(gone ? { gone: true as const } : {}) }],
    });
  };
  const onAssignments = (pods: Pod[]): void => {
    last = pods;
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    for (const pod of pods) {
      const uid = pod.metadata.uid ?? "";
      if (pod.metadata.deletionTimestamp && options.graceful && !reportedGone.has(uid)) {
        reportedGone.add(uid);
        const timer = setTimeout(() => {
          timers.delete(timer);
          report(pod, { ...(pod.status ?? {}), phase: "Succeeded" }, true);
        }, options.graceful.goneAfterMs);
        timers.add(timer);
      } else if (!pod.metadata.deletionTimestamp && options.reportReady && !reportedReady.has(uid)) {
        reportedReady.add(uid);
        report(pod, runningStatus(pod, now), false);
      }
    }
  };
  agent.ws.on("message", (data: Buffer) => {
    let m: ServerMessage;
    try {
      m = decodeServerMessage(data);
    } catch {
      return;
    }
    if (m.type === "assignments") {
      onAssignments(m.pods);
      return;
    }
    if (m.type !== "logRequest") return;
    agent.send({
      v: 1,
      type: "logData",
      requestId: m.requestId,
      data: Buffer.from(SCRIPTED_LOG_LINE).toString("base64"),
    });
    agent.send({ v: 1, type: "logEnd", requestId: m.requestId });
  });
  agent.send(hello(nodeName, "10.0.0.1", options.graceful ? ["gracefulDeletion"] : undefined));
  await agent.next("welcome");
  const timer = setInterval(() => {
    if (agent.ws.readyState === agent.ws.OPEN) agent.send({ v: 1, type: "heartbeat" });
  }, heartbeatMs);
  const clear = (): void => {
    clearInterval(timer);
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
  void agent.closed.then(clear);
  return {
    agent,
    closed: agent.closed,
    reportedGone,
    lastSet: () => last,
    stop: () => {
      clear();
      agent.ws.terminate();
    },
  };
}
