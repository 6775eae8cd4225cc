// The agent protocol: what an agent sends over its WebSocket (see shared/protocol.ts).

import type { NodeAddress, NodeSystemInfo, PodStatus } from "../api-types.js";
import type { AgentStreamMessage } from "../stream-messages.js";

/** Facts the agent reports about its host on every connect. */
export interface NodeReport {
  addresses: NodeAddress[];
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  nodeInfo: NodeSystemInfo;
}

/**
 * What an agent can do beyond protocol version 1, announced in hello. `gracefulDeletion`: it
 * stops a pod whose `metadata.deletionTimestamp` is set (preStop, SIGTERM, the grace period,
 * SIGKILL), removes its containers and sandbox, then reports it with `gone: true`. The server
 * keeps such pods in the agent's set until then; to an agent without it, a deleted pod leaves
 * the set (and the API) at once. `prePull`: it pulls the images an assignment set's `prePull`
 * names ahead of a rollout and reports them in `nodeImages` messages. `configObjects`: it
 * takes the ConfigMaps and Secrets of an assignment set's `config` for its pods' env and volumes.
 * `pace`: it takes a `pace` message's heartbeat interval while connected (the server makes
 * it longer as the fleet grows, to keep the heartbeats per second under its cap).
 */
export type AgentCapability = "gracefulDeletion" | "prePull" | "configObjects" | "pace";
export const AGENT_CAPABILITIES: readonly AgentCapability[] = [
  "gracefulDeletion",
  "prePull",
  "configObjects",
  "pace",
];

export interface HelloMessage {
  v: 1;
  type: "hello";
  nodeName: string;
  node: NodeReport;
  /** The revision of the last assignment set the agent applied (0 after a fresh start). */
  appliedRevision: number;
  /** Absent from older agents. Names the server does not know are logged and left aside. */
  capabilities?: string[];
}

export interface HeartbeatMessage {
  v: 1;
  type: "heartbeat";
}

export interface PodStatusReport {
  namespace: string;
  name: string;
  uid: string;
  status: PodStatus;
  /**
   * Set once a terminating pod (one with `metadata.deletionTimestamp` in the assignment set)
   * has no container and no sandbox left on the node: its deletion may complete.
   */
  gone?: true;
}

export interface PodStatusMessage {
  v: 1;
  type: "podStatus";
  /** Acknowledged by an `ack` with the same number. */
  seq: number;
  statuses: PodStatusReport[];
}

export interface LogDataMessage {
  v: 1;
  type: "logData";
  requestId: string;
  /** Log bytes, base64-encoded. */
  data: string;
}

export interface LogEndMessage {
  v: 1;
  type: "logEnd";
  requestId: string;
  /** Set when the logs could not be read: shown to the user. */
  error?: { code: "NotFound" | "BadRequest" | "InternalError"; message: string };
}

/**
 * Upper bounds (seconds) of the buckets of every duration an agent relays; one set for all
 * of them, from a quick container start to a slow image pull.
 */
export const AGENT_METRIC_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

/** Observations of one duration since the agent's previous metrics message. */
export interface DurationCounts {
  /** How many fell in each bucket of AGENT_METRIC_BUCKETS, then above the last: not cumulative. */
  counts: number[];
  /** Their sum, in seconds. */
  sum: number;
}

/**
 * An agent's periodic summary of its own figures, sent every `metricsIntervalSeconds` of the
 * welcome (a server whose welcome does not ask for it does not know the message).
 */
export interface MetricsMessage {
  v: 1;
  type: "metrics";
  /** The containers of the node's assigned pods, by state, now. */
  containers: { running: number; waiting: number; terminated: number };
  /** The sum of those containers' restart counts, now. */
  restarts: number;
  /** Image pulls, container starts and reconcile lag since the previous message. */
  imagePulls: DurationCounts;
  containerStarts: DurationCounts;
  reconcileLag: DurationCounts;
}

/** One container's usage over the window of a usage message. */
export interface ContainerUsageSample {
  name: string;
  /** The CPU rate over the window: nanoseconds of CPU per second (1e9 = one core). */
  cpuNanocores: number;
  /** The working set at the end of the window: memory in use less the inactive file cache. */
  memoryBytes: number;
}

export interface PodUsageSample {
  namespace: string;
  name: string;
  uid: string;
  containers: ContainerUsageSample[];
}

/**
 * What the node and its pods' containers used over the last window (kubectl top's
 * NodeMetrics and PodMetrics), sent every `usageIntervalSeconds` of the welcome (a server
 * whose welcome does not ask for it does not know the message). A container appears once
 * it was sampled twice: a rate needs two samples.
 */
export interface UsageMessage {
  v: 1;
  type: "usage";
  /** When the window ended (RFC 3339). */
  timestamp: string;
  /** Its length, in seconds. */
  windowSeconds: number;
  /** The whole host, as the kubelet's node figures are. */
  node: { cpuNanocores: number; memoryBytes: number };
  pods: PodUsageSample[];
}

/** Sent by an agent that stops cleanly: its node turns NotReady at once. */
export interface GoodbyeMessage {
  v: 1;
  type: "goodbye";
  reason: string;
}

/** An image the agent has: node.status.images' entry. */
export interface ReportedImage {
  names: string[];
  sizeBytes?: number;
}

/** Where the agent is with one image it was asked to pre-pull. */
export interface PrePullState {
  image: string;
  state: "Pulling" | "Present" | "Failed";
  /** Failed: why (the agent tries again after the image-pull back-off). */
  reason?: "ErrImagePull" | "ErrImageNeverPull";
  message?: string;
}

/**
 * The images the agent has among those it was asked to pre-pull (they become the Node's
 * `status.images`), and each pre-pull's state. Sent whenever either changes, and only to a
 * server whose assignment sets carry `prePull` (an older server does not know the message).
 */
export interface NodeImagesMessage {
  v: 1;
  type: "nodeImages";
  images: ReportedImage[];
  prePull: PrePullState[];
}

export type AgentMessage =
  | HelloMessage
  | NodeImagesMessage
  | HeartbeatMessage
  | PodStatusMessage
  | LogDataMessage
  | LogEndMessage
  | GoodbyeMessage
  | MetricsMessage
  | UsageMessage
  | AgentStreamMessage;
