// The agent's life with the control plane: connect, hello, welcome, assignments to the
// worker, heartbeats, statuses and log streams; on any loss, reconnect with jittered
// back-off and say why. The worker keeps running what it runs while disconnected.

import { backoffDelay, failuresAtCap, RECONNECT_BACKOFF } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import {
  CLOSE_CODES,
  type AgentMessage,
  type NodeReport,
  type PrePullImage,
  type ServerMessage,
} from "../../shared/protocol.js";
import type { ConfigDelivery } from "../../shared/config-delivery.js";
import type { Pod } from "../../shared/api-types.js";
import type { AgentMetrics } from "../metrics/agent-metrics.js";
import type { StatusReporter } from "../worker/status-reporter.js";
import type { NodeCredential } from "./credential-store.js";
import type { TlsSessions } from "./tls-sessions.js";
import { ControlPlaneSocket } from "./control-plane-socket.js";
import type { LogStreamer } from "./log-streamer.js";
import type { StreamServer } from "./stream-server.js";

/** What the session needs of the worker. */
export interface DesiredSink {
  readonly appliedRevision: number;
  setDesired(revision: number, pods: Pod[], config?: ConfigDelivery): boolean;
  removeAll(): Promise<void>;
}

export interface SessionOptions {
  clock: Clock;
  logger: Logger;
  random?: () => number;
  worker: DesiredSink;
  reporter: StatusReporter;
  logs: LogStreamer;
  /** exec, attach and port-forward; absent where the runtime cannot stream. */
  streams?: StreamServer;
  nodeReport: () => Promise<NodeReport>;
  credentials: { get(): Promise<NodeCredential>; rejoin(): Promise<NodeCredential> };
  /** True while the agent is leaving the cluster: a deleted node is not re-registered. */
  leaving?: () => boolean;
  /** The figures sent as `metrics` summaries when the server's welcome asks for them. */
  metrics?: Pick<AgentMetrics, "assignmentsArrived" | "takeSummary" | "unsent">;
  /** kubectl top's samples, sent as `usage` messages when the server's welcome asks for them. */
  usage?: { start(intervalSeconds: number, send: (m: AgentMessage) => void): () => void };
  /** Image pre-pull: takes each assignment set's `prePull` (and so announces the capability). */
  prePull?: { setWanted(images: readonly PrePullImage[]): void; reconnected(): void };
  /** TLS sessions to resume on (re)connecting (tls-sessions.ts). */
  sessions?: TlsSessions;
}

const CLOSE_REASONS: Record<number, string> = {
  [CLOSE_CODES.protocolError]: "of a protocol error",
  [CLOSE_CODES.tooManyMessages]: "the agent sent too many messages",
  [CLOSE_CODES.messageTooBig]: "the agent sent a message larger than the server accepts",
  [CLOSE_CODES.unauthorized]: "the server no longer accepts the node credential",
  [CLOSE_CODES.superseded]: "another connection for this node replaced this one",
  [CLOSE_CODES.nodeDeleted]: "the node was deleted",
  [CLOSE_CODES.goingAway]: "the server is shutting down",
};

export class Session {
  private socket: ControlPlaneSocket | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private welcomed = false;
  private stopHeartbeat: (() => void) | undefined;
  private stopMetrics: (() => void) | undefined;
  private stopUsage: (() => void) | undefined;
  /** Resolves each time a welcome arrives (for callers that wait for a connection). */
  private onWelcome: (() => void)[] = [];

  constructor(private readonly o: SessionOptions) {}

  /** Whether a connection is open and welcomed. */
  get connected(): boolean {
    return this.welcomed && this.socket?.isOpen === true;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves once the session is connected and welcomed. */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((r) => this.onWelcome.push(r));
  }

  /** Sends a message on the live connection; false when there is none. */
  send(m: AgentMessage): boolean {
    return this.socket?.send(m) ?? false;
  }

  /** Says goodbye (the node turns NotReady at once) and stops reconnecting. */
  async stop(reason: string): Promise<void> {
    this.abort.abort();
    this.stopHeartbeat?.();
    this.stopMetrics?.();
    this.stopUsage?.();
    this.o.logs.cancelAll();
    this.o.streams?.cancelAll();
    const s = this.socket;
    if (s?.isOpen) {
      s.send({ v: 1, type: "goodbye", reason });
      s.close(1000, reason);
      await s.closed();
    }
    await this.loop?.catch(() => {});
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    /** Connections lost in a row without a welcome. */
    let failures = 0;
    while (!this.stopped) {
      let why: string;
      let rejoin = false;
      try {
        const credential = await this.o.credentials.get();
        const closed = await this.connectOnce(credential);
        if (this.welcomed) failures = 0;
        this.welcomed = false;
        this.stopHeartbeat?.();
        this.stopMetrics?.();
        this.stopUsage?.();
        this.stopUsage = undefined;
        if (this.stopped) return;
        why = closed.reason
          ? `the connection closed (${closed.code}: ${closed.reason})`
          : `the connection closed (${closed.code})`;
        const known = CLOSE_REASONS[closed.code];
        // The server's own words say what was wrong (which field, which limit).
        if (known)
          why = `the connection closed because ${known}${closed.reason ? ` (${closed.reason})` : ""}`;
        if (closed.code === CLOSE_CODES.unauthorized) rejoin = true;
        // Sending too much is not cured by coming back at once: wait the longest back-off.
        if (closed.code === CLOSE_CODES.tooManyMessages)
          failures = Math.max(failures, failuresAtCap(RECONNECT_BACKOFF) - 1);
        if (closed.code === CLOSE_CODES.nodeDeleted) {
          this.o.logger.warn("the node was deleted: removing its containers");
          await this.o.worker.removeAll();
          if (this.o.leaving?.()) return;
          rejoin = true;
        }
      } catch (e) {
        if (this.stopped) return;
        if (e instanceof EverynodeError && e.code === "Unauthorized") {
          rejoin = true;
          why = "the server refused the node credential";
        } else {
          why = e instanceof Error ? e.message : String(e);
        }
      }
      if (rejoin) {
        this.o.logger.warn("joining again", { because: why });
        try {
          await this.o.credentials.rejoin();
        } catch (e) {
          why = (e as Error).message;
        }
      }
      if (this.stopped) return;
      const delay = backoffDelay(RECONNECT_BACKOFF, ++failures, this.o.random);
      this.o.logger.warn(`reconnecting in ${(delay / 1000).toFixed(1)}s because ${why}`);
      await this.o.clock.sleep(delay, this.abort.signal).catch(() => {});
    }
  }

  /** One connection's life; resolves with its close code. */
  private async connectOnce(credential: NodeCredential): Promise<{ code: number; reason: string }> {
    let closedResolve!: (v: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((r) => (closedResolve = r));
    const socket = await ControlPlaneSocket.open({
      server: credential.server,
      token: credential.token,
      caPem: credential.caPem,
      logger: this.o.logger,
      onMessage: (m) => this.handle(m),
      onClose: (code, reason) => closedResolve({ code, reason }),
      ...(this.o.sessions ? { sessions: this.o.sessions } : {}),
    });
    this.socket = socket;
    if (this.stopped) {
      socket.close(1000, "agent stopping");
      return closed;
    }
    this.o.logger.info("connected", { server: credential.server, node: credential.nodeName });
    socket.send({
      v: 1,
      type: "hello",
      nodeName: credential.nodeName,
      node: await this.o.nodeReport(),
      appliedRevision: this.o.worker.appliedRevision,
      // The worker stops a terminating pod with its grace and reports it gone; pre-pull when asked.
      // and take the ConfigMaps and Secrets of the pods' env and volumes.
      capabilities: this.o.prePull
        ? ["gracefulDeletion", "prePull", "configObjects", "pace"]
        : ["gracefulDeletion", "configObjects", "pace"],
    });
    return closed;
  }

  private heartbeatEvery(seconds: number): void {
    this.stopHeartbeat?.();
    const ms = Math.max(1, seconds) * 1000;
    this.stopHeartbeat = this.o.clock.every(ms, () => this.send({ v: 1, type: "heartbeat" }));
  }

  private handle(m: ServerMessage): void {
    switch (m.type) {
      case "welcome": {
        this.welcomed = true;
        this.heartbeatEvery(m.heartbeatIntervalSeconds);
        this.stopMetrics?.();
        const metrics = this.o.metrics;
        // Only a server that asks knows the message (an older one would close the connection).
        if (metrics && m.metricsIntervalSeconds !== undefined) {
          this.stopMetrics = this.o.clock.every(Math.max(1, m.metricsIntervalSeconds) * 1000, () => {
            const summary = metrics.takeSummary();
            if (!this.send(summary)) metrics.unsent(summary);
          });
        }
        this.stopUsage?.();
        if (this.o.usage && m.usageIntervalSeconds !== undefined)
          this.stopUsage = this.o.usage.start(m.usageIntervalSeconds, (u) => this.send(u));
        this.o.reporter.resendAll();
        this.o.prePull?.reconnected();
        for (const r of this.onWelcome.splice(0)) r();
        break;
      }
      case "pace":
        this.o.logger.info(`heartbeat interval now ${m.heartbeatIntervalSeconds}s`);
        this.heartbeatEvery(m.heartbeatIntervalSeconds);
        break;
      case "assignments": {
        // Before the worker takes the set: taking it starts the pass that ends the wait.
        const undo = this.o.metrics?.assignmentsArrived();
        if (this.o.worker.setDesired(m.revision, m.pods, m.config)) {
          const objects = m.config ? `, ${m.config.configMaps.length + m.config.secrets.length} objects` : "";
          this.o.logger.info(`assignments revision ${m.revision} (${m.pods.length} pods${objects})`);
          if (m.prePull !== undefined) this.o.prePull?.setWanted(m.prePull);
        } else undo?.();
        break;
      }
      case "ack":
        for (const r of m.refused ?? []) {
          // Acked all the same: sending it again would be refused again. The next change is sent.
          this.o.logger.warn("the control plane refused a pod status", {
            pod: `${String(r.namespace)}/${String(r.name)}`,
            reason: String(r.reason),
          });
        }
        this.o.reporter.ack(m.seq);
        break;
      case "logRequest":
        this.o.logs.start(m);
        break;
      case "logCancel":
        this.o.logs.cancel(m.requestId);
        break;
      case "streamOpen":
      case "streamData":
      case "streamCredit":
      case "streamResize":
      case "streamCloseInput":
      case "streamCancel":
        if (this.o.streams) this.o.streams.handle(m);
        else if (m.type === "streamOpen")
          this.send({
            v: 1,
            type: "streamEnd",
            streamId: m.streamId,
            error: { code: "BadRequest", message: "this agent's runtime cannot stream" },
          });
        break;
    }
  }
}
