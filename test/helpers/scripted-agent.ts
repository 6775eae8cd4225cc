// A well-behaved agent without Docker, for tests that need a node to be connected: it says
// hello over a real WebSocket, heartbeats, and answers every log request with one known line.

import type { ServerMessage } from "../../shared/protocol.js";
import { AGENT_CONNECT_PATH, decodeServerMessage } from "../../shared/protocol.js";
import { FakeAgent, hello } from "../agents/harness.js";

export const SCRIPTED_LOG_LINE = "scripted agent log line\n";

export interface ScriptedAgent {
  agent: FakeAgent;
  /** Resolves when the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  stop(): void;
}

/** Connects as `nodeName` with its credential and waits for the welcome. */
export async function connectScriptedAgent(
  server: string,
  caPem: string,
  nodeName: string,
  credential: string,
  heartbeatMs = 3_000,
): Promise<ScriptedAgent> {
  const url = new URL(AGENT_CONNECT_PATH, server).toString().replace(/^https/, "wss");
  const agent = await FakeAgent.connect(url, credential, caPem);
  agent.ws.on("message", (data: Buffer) => {
    let m: ServerMessage;
    try {
      m = decodeServerMessage(data);
    } catch {
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
  agent.send(hello(nodeName));
  await agent.next("welcome");
  const timer = setInterval(() => {
    if (agent.ws.readyState === agent.ws.OPEN) agent.send({ v: 1, type: "heartbeat" });
  }, heartbeatMs);
  void agent.closed.then(() => clearInterval(timer));
  return {
    agent,
    closed: agent.closed,
    stop: () => {
      clearInterval(timer);
      agent.ws.terminate();
    },
  };
}
