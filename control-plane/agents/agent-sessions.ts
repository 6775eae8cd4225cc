// What an agent's messages mean, per connection: hello (the node's facts and capabilities,
// then welcome and the full set), heartbeats, pod statuses, logs and goodbye. One live
// session per node: a new connection supersedes the old one; a deleted node loses its
// session and credential. An agent that cannot report pods gone gets none that are
// terminating: those left from a capable predecessor go at once when it says hello.

import type { Node } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type {
  AckMessage,
  AgentMessage,
  HelloMessage,
  MetricsMessage,
  PaceMessage,
  WelcomeMessage,
} from "../../shared/protocol.js";
import { CLOSE_CODES, PROTOCOL_VERSION } from "../../shared/protocol.js";
import type { TokenService } from "../auth/tokens.js";
import type { Deleter } from "../deletion/deleter.js";
import type { HeartbeatPace } from "../nodes/heartbeat-pace.js";
import type { NodeLiveness } from "../nodes/node-liveness.js";
import type { Store, WatchHandle } from "../store/store.js";
import type { AgentCapabilities } from "./agent-capabilities.js";
import type { ConnectionHandler } from "./agent-socket-server.js";
import type { Dispatcher } from "./dispatcher.js";
import type { LogRelay } from "./log-relay.js";
import type { NodeImagesIngest } from "./node-images.js";
import type { StreamRelay } from "./stream-relay.js";
import { nodeWithReport } from "./node-report.js";
import type { AgentConnection, SessionRegistry } from "./session-registry.js";
import type { StatusIngest } from "./status-ingest.js";
import type { UsageSink } from "../metrics/usage-board.js";

/** Where the agents' metrics summaries go (the /metrics registry's relay). */
export interface AgentMetricsSink {
  /** A node's agent sent a summary. */
  accept(nodeName: string, message: MetricsMessage): void;
  /** The node's session ended: its per-node figures go. */
  forget(nodeName: string): void;
}

export interface AgentSessionsDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  tokens: Pick<TokenService, "revokeNode">;
  liveness: NodeLiveness;
  registry: SessionRegistry;
  dispatcher: Dispatcher;
  ingest: StatusIngest;
  logs: LogRelay;
  streams: StreamRelay;
  capabilities: AgentCapabilities;
  deleter: Deleter;
  /** The heartbeat interval agents are told, by the number connected. */
  pace: HeartbeatPace;
  /** When set, agents are asked for a metrics summary every intervalSeconds. */
  metrics?: { sink: AgentMetricsSink; intervalSeconds: number };
  /** When set, agents are asked to sample usage every intervalSeconds (kubectl top). */
  usage?: { sink: UsageSink; intervalSeconds: number };
  /** Image pre-pull reports (node.status.images and the pre-pull events). */
  nodeImages?: NodeImagesIngest;
}

/** The per-node session logic; the socket server calls onConnection for each agent socket. */
export class AgentSessions {
  private watch: WatchHandle | undefined;
  private readonly log: Logger;
  /** Set on shutdown: the sockets then close by the thousand and are not logged one by one. */
  private closing = false;

  constructor(private readonly deps: AgentSessionsDeps) {
    this.log = deps.logger.child({ component: "agent-sessions" });
  }

  /** Starts watching nodes, to end the session of a deleted one. */
  start(): void {
    this.watch = this.deps.store.watch("nodes", undefined, (event) => {
      const name = event.object.metadata.name;
      // Store listeners must not write synchronously: revoke right after the commit.
      if (event.type === "DELETED" && name) queueMicrotask(() => this.nodeDeleted(name));
    });
  }

  close(): void {
    this.closing = true;
    this.watch?.cancel();
  }

  /** A new authenticated socket for a node: it becomes the node's session. */
  onConnection(connection: AgentConnection): ConnectionHandler {
    const { registry } = this.deps;
    const log = this.log.child({ node: connection.nodeName });
    const previous = registry.open(connection);
    if (previous) {
      log.info("agent reconnected, closing its older connection");
      previous.close(CLOSE_CODES.superseded, "superseded by a newer connection");
    }
    let greeted = false;
    /** The interval this agent was last told; 0 when it does not take `pace` messages. */
    let told = 0;
    return {
      message: (message) => {
        if (!registry.isCurrent(connection)) return; // superseded: its words no longer count
        if (!greeted && message.type !== "hello") {
          throw new EverynodeError("ProtocolError", `expected hello first, got ${message.type}`);
        }
        if (message.type === "hello") {
          const interval = this.hello(connection, message, log);
          if (interval !== undefined) {
            greeted = true;
            told = this.deps.capabilities.has(connection.nodeName, "pace") ? interval : 0;
          }
        } else if (message.type === "heartbeat") {
          this.deps.liveness.heartbeat(connection.nodeName);
          // Told at its heartbeat, each agent hears a new pace within one interval of it,
          // spread as their heartbeats are, rather than all at once.
          if (told === 0) return;
          const interval = this.deps.pace.intervalSeconds(registry.size);
          if (interval === told) return;
          told = interval;
          const pace: PaceMessage = { v: PROTOCOL_VERSION, type: "pace", heartbeatIntervalSeconds: interval };
          connection.send(pace).catch(() => {});
        } else this.handle(connection, message, log);
      },
      closed: (code, reason) => {
        const wasCurrent = registry.remove(connection);
        this.deps.dispatcher.connectionClosed(connection);
        this.deps.logs.connectionClosed(connection);
        this.deps.streams.connectionClosed(connection);
        if (wasCurrent) this.deps.metrics?.sink.forget(connection.nodeName);
        if (wasCurrent) this.deps.usage?.sink.forget(connection.nodeName);
        // A socket that dropped without goodbye changes nothing: the grace period decides.
        if (wasCurrent && !this.closing)
          log.info("agent disconnected", { code, reason: reason || undefined });
      },
    };
  }

  /** Handles hello; the heartbeat interval the agent was told, undefined when the session was refused. */
  private hello(connection: AgentConnection, message: HelloMessage, log: Logger): number | undefined {
    const { nodeName } = connection;
    if (message.nodeName !== nodeName) {
      log.warn("agent said hello for another node, refusing it", { claimed: message.nodeName });
      connection.close(CLOSE_CODES.unauthorized, `this credential belongs to node ${nodeName}`);
      return undefined;
    }
    // The host's report and, on a first connect, the node's Ready condition: one write.
    const found = this.deps.store.transaction((tx) => {
      const node = tx.get<Node>("nodes", undefined, nodeName);
      if (!node) return false;
      const reported = nodeWithReport(node, message.node);
      const next = this.deps.liveness.connected(reported ?? node, tx) ?? reported;
      if (next) tx.update("nodes", next);
      return true;
    });
    if (!found) {
      // The node was deleted while this credential lived on: the agent must register again.
      log.warn("agent connected for a node that no longer exists");
      this.deps.tokens.revokeNode(nodeName);
      connection.close(CLOSE_CODES.nodeDeleted, "the node was deleted");
      return undefined;
    }
    const unknown = this.deps.capabilities.announce(nodeName, message.capabilities);
    if (unknown.length > 0) log.info("agent announced capabilities this server does not know", { unknown });
    if (!this.deps.capabilities.gracefulDeletion(nodeName)) this.endTerminatingPods(nodeName, log);
    this.deps.liveness.heartbeat(nodeName);
    this.deps.registry.markReady(connection);
    const heartbeatIntervalSeconds = this.deps.pace.intervalSeconds(this.deps.registry.size);
    const welcome: WelcomeMessage = {
      v: PROTOCOL_VERSION,
      type: "welcome",
      nodeName,
      heartbeatIntervalSeconds,
    };
    if (this.deps.metrics) welcome.metricsIntervalSeconds = this.deps.metrics.intervalSeconds;
    if (this.deps.usage) welcome.usageIntervalSeconds = this.deps.usage.intervalSeconds;
    connection.send(welcome).catch(() => {});
    this.deps.dispatcher.nodeConnected(connection);
    log.info("agent connected", { appliedRevision: message.appliedRevision });
    return heartbeatIntervalSeconds;
  }

  private handle(connection: AgentConnection, message: AgentMessage, log: Logger): void {
    const { nodeName } = connection;
    switch (message.type) {
      case "podStatus":
        this.deps.ingest.accept(nodeName, message, (refused) => {
          const ack: AckMessage = { v: PROTOCOL_VERSION, type: "ack", seq: message.seq };
          if (refused.length > 0) ack.refused = refused;
          connection.send(ack).catch(() => {});
        });
        return;
      case "logData":
        this.deps.logs.onData(connection, message);
        return;
      case "logEnd":
        this.deps.logs.onEnd(connection, message);
        return;
      case "metrics":
        this.deps.metrics?.sink.accept(nodeName, message);
        return;
      case "nodeImages":
        this.deps.nodeImages?.accept(nodeName, message);
        return;
      case "usage":
        this.deps.usage?.sink.accept(nodeName, message);
        return;
      case "streamData":
        this.deps.streams.onData(connection, message);
        return;
      case "streamCredit":
        this.deps.streams.onCredit(connection, message);
        return;
      case "streamEnd":
        this.deps.streams.onEnd(connection, message);
        return;
      case "goodbye":
        log.info("agent said goodbye", { reason: message.reason });
        this.deps.liveness.markNotReady(
          nodeName,
          "AgentStopped",
          `everynode agent stopped: ${message.reason}`,
        );
        return;
      case "hello":
        return;
    }
  }

  /** Pods left terminating on a node whose agent will never report them gone: they go now. */
  private endTerminatingPods(nodeName: string, log: Logger): void {
    const terminating = this.deps.store.listPodsOnNode(nodeName).filter((p) => p.metadata.deletionTimestamp);
    if (terminating.length === 0) return;
    this.deps.store.transaction((tx) => {
      for (const pod of terminating) this.deps.deleter.podGone(tx, pod);
    });
    log.info("agent cannot report pods gone: its terminating pods were removed", {
      pods: terminating.length,
    });
  }

  private nodeDeleted(nodeName: string): void {
    this.deps.capabilities.forget(nodeName);
    this.deps.nodeImages?.forget(nodeName);
    this.deps.tokens.revokeNode(nodeName);
    const connection = this.deps.registry.get(nodeName);
    if (connection) {
      this.log.info("node deleted, closing its agent's session", { node: nodeName });
      connection.close(CLOSE_CODES.nodeDeleted, "the node was deleted");
    }
  }
}
