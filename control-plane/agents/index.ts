// The control plane's side of the agents, assembled: the WebSocket server, the sessions,
// the dispatcher, the status ingest and the log relay. Registration is a separate Express
// router (registration-router.ts) because it is mounted in the API's app.

import type { Server as HttpsServer } from "node:https";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { TokenService } from "../auth/tokens.js";
import { Deleter } from "../deletion/deleter.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { NodeLiveness } from "../nodes/node-liveness.js";
import type { Store } from "../store/store.js";
import { AgentCapabilities } from "./agent-capabilities.js";
import { AgentSessions, type AgentMetricsSink } from "./agent-sessions.js";
import type { UsageSink } from "../metrics/usage-board.js";
import { attachAgentSocketServer, type CloseOptions } from "./agent-socket-server.js";
import { Dispatcher } from "./dispatcher.js";
import { LogRelay } from "./log-relay.js";
import { NodeImagesIngest } from "./node-images.js";
import { PrePullBoard } from "./pre-pull-board.js";
import { StreamRelay } from "./stream-relay.js";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { PodLogStreamer } from "../api/pod-log-streamer.js";
import type { BudgetLimits } from "./rate-limit.js";
import { SessionRegistry } from "./session-registry.js";
import { StatusIngest } from "./status-ingest.js";
import type { SliceScheduler } from "../slices.js";
import { HeartbeatPace } from "../nodes/heartbeat-pace.js";

export { createAgentRouter } from "./registration-router.js";
export type { CloseOptions } from "./agent-socket-server.js";

export interface AgentEndpointsDeps {
  server: HttpsServer;
  store: Store;
  clock: Clock;
  logger: Logger;
  tokens: TokenService;
  liveness: NodeLiveness;
  events: EventRecorder;
  /** What each node's agent announced (shared with the deleter); a fresh registry by default. */
  capabilities?: AgentCapabilities;
  /** Ends deletions when agents report pods gone; by default one over `capabilities`. */
  deleter?: Deleter;
  /** What agents are told in welcome; 10 by default. */
  heartbeatIntervalSeconds?: number;
  /** The heartbeat interval by fleet size; by default heartbeatIntervalSeconds, uncapped. */
  pace?: HeartbeatPace;
  /** How often each socket is looked at, and pinged if it said nothing (30 s by default). */
  pingIntervalMs?: number;
  /** Dispatcher debounce (50 ms) and status flush interval (100 ms), for tests and benchmarks. */
  dispatchDebounceMs?: number;
  statusFlushMs?: number;
  /** How often dropped statuses are summed up in the log (10 s by default). */
  statusWarningIntervalMs?: number;
  /** Per-connection message and byte rates (AGENT_LIMITS by default). */
  limits?: Partial<BudgetLimits>;
  /** Hears each dispatch latency (the first change of a node's pods → its set sent), in seconds. */
  onDispatch?: (seconds: number) => void;
  /** When set, agents send a metrics summary every intervalSeconds, relayed to the sink. */
  agentMetrics?: { sink: AgentMetricsSink; intervalSeconds: number };
  /** When set, agents sample usage every intervalSeconds for kubectl top, kept by the sink. */
  usage?: { sink: UsageSink; intervalSeconds: number };
  /** The controller's pre-pull wants (shared with the DaemonSet controller); a fresh one by default. */
  prePull?: PrePullBoard;
  /** Whether the controller is writing a pass now: status writes wait for its assignments to go out. */
  passWriting?: () => boolean;
  /** Whether the controller is planning a pass now: kubelet events wait for it (and for the writing). */
  passPlanning?: () => boolean;
  /** Upgrades of other paths than the agents' (kubectl's exec, attach, port-forward). */
  otherUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The turns shared by the control plane's sliced work (sends, statuses, the inbox). */
  slices?: SliceScheduler;
}

export interface AgentEndpoints {
  /** For the API's pods/log endpoint. */
  logs: PodLogStreamer;
  /** exec, attach and port-forward through the agents. */
  streams: StreamRelay;
  /** Agent WebSocket sessions open now. */
  sessions(): number;
  /** Whether assignment sets wait to be sent (the controller's next plan waits for them). */
  assignmentsWaiting(): boolean;
  /** Whether agents' pod statuses wait to be written (so does the controller's next plan). */
  statusesWaiting(): boolean;
  /** Closes every agent socket (1001), then flushes pending statuses. */
  close(options?: CloseOptions): Promise<void>;
}

/** Starts serving agents on `server`'s upgrades to AGENT_CONNECT_PATH. */
export function startAgentEndpoints(deps: AgentEndpointsDeps): AgentEndpoints {
  const logger = deps.logger.child({ component: "agents" });
  const registry = new SessionRegistry();
  const capabilities = deps.capabilities ?? new AgentCapabilities();
  const deleter =
    deps.deleter ??
    new Deleter({ store: deps.store, clock: deps.clock, events: deps.events, agents: capabilities });
  const prePull = deps.prePull ?? new PrePullBoard(capabilities);
  const dispatcher = new Dispatcher({
    store: deps.store,
    clock: deps.clock,
    logger,
    registry,
    events: deps.events,
    capabilities,
    prePull,
    ...(deps.slices ? { slices: deps.slices } : {}),
    ...(deps.passWriting ? { passWriting: deps.passWriting } : {}),
    ...(deps.dispatchDebounceMs !== undefined ? { debounceMs: deps.dispatchDebounceMs } : {}),
    ...(deps.onDispatch ? { onDispatch: deps.onDispatch } : {}),
  });
  // Assignments are written (a pass) or sent: statuses, and kubelet events, wait for them.
  const assignmentsGoingOut = (): boolean => dispatcher.busy || (deps.passWriting?.() ?? false);
  const ingest = new StatusIngest({
    store: deps.store,
    clock: deps.clock,
    logger,
    events: deps.events,
    deleter,
    holdWhile: assignmentsGoingOut,
    holdEventsWhile: () => assignmentsGoingOut() || (deps.passPlanning?.() ?? false),
    ...(deps.slices ? { slices: deps.slices } : {}),
    ...(deps.statusFlushMs !== undefined ? { flushIntervalMs: deps.statusFlushMs } : {}),
    ...(deps.statusWarningIntervalMs !== undefined
      ? { warningIntervalMs: deps.statusWarningIntervalMs }
      : {}),
  });
  const logs = new LogRelay({ registry, logger });
  const streams = new StreamRelay({ registry, logger });
  const pace =
    deps.pace ??
    new HeartbeatPace({
      intervalSeconds: deps.heartbeatIntervalSeconds ?? 10,
      maxPerSecond: 0,
      gracePeriodMs: 40_000,
    });
  const sessions = new AgentSessions({
    store: deps.store,
    clock: deps.clock,
    logger,
    tokens: deps.tokens,
    liveness: deps.liveness,
    registry,
    dispatcher,
    ingest,
    logs,
    streams,
    capabilities,
    deleter,
    pace,
    ...(deps.agentMetrics ? { metrics: deps.agentMetrics } : {}),
    ...(deps.usage ? { usage: deps.usage } : {}),
    nodeImages: new NodeImagesIngest({
      store: deps.store,
      events: deps.events,
      logger,
      wantersOf: (node, image) => prePull.wantersOf(node, image),
    }),
  });
  prePull.onChange((node) => dispatcher.notify(node));
  dispatcher.start();
  sessions.start();
  const socket = attachAgentSocketServer(deps.server, {
    authenticator: deps.tokens,
    clock: deps.clock,
    logger,
    onConnection: (connection) => sessions.onConnection(connection),
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.pingIntervalMs ? { pingIntervalMs: deps.pingIntervalMs } : {}),
    // Without a pace (tests) a look pings whatever was silent since the last one.
    ...(deps.pace ? { heardEveryMs: () => pace.longestIntervalSeconds * 1000 } : {}),
    ...(deps.otherUpgrade ? { otherUpgrade: deps.otherUpgrade } : {}),
    ...(deps.slices ? { slices: deps.slices } : {}),
  });

  return {
    logs,
    streams,
    sessions: () => registry.size,
    assignmentsWaiting: () => dispatcher.busy,
    statusesWaiting: () => ingest.statusesWaiting,
    close: async (options) => {
      const open = registry.size;
      sessions.close();
      await socket.close(options);
      logger.info("closed the agents' connections", { sessions: open });
      dispatcher.close();
      ingest.close();
    },
  };
}
