// The agent protocol: versioned JSON messages over one WebSocket per agent. Everything a
// person or a tool touches is the Kubernetes-shaped HTTP API; this channel is only between
// everynode's own control plane and its agents.
//
// Flow: the agent registers over HTTPS (POST /agent/v1/register with a join token, getting
// a node credential), then opens wss://HOST/agent/v1/connect with that credential as a
// bearer token and sends `hello`. The server answers `welcome`, then sends `assignments`
// (the node's complete pod set with an increasing revision) on connect and after every
// change. The agent heartbeats and reports pod statuses (acked by sequence number).

import type { NodeAddress, NodeSystemInfo, Pod, PodStatus, TaintEffect } from "./api-types.js";
import { checkConfigDelivery, type ConfigDelivery } from "./config-delivery.js";
import { EverynodeError } from "./errors.js";
import {
  decodeAgentStreamMessage,
  decodeServerStreamMessage,
  type AgentStreamMessage,
  type ServerStreamMessage,
} from "./stream-messages.js";

export const PROTOCOL_VERSION = 1;

export const AGENT_CONNECT_PATH = "/agent/v1/connect";
export const AGENT_REGISTER_PATH = "/agent/v1/register";
/**
 * POST with the node credential: a ServiceAccount token for a pod bound to that node (and
 * whether the pod gets one at all), to mount in its containers.
 */
export const AGENT_POD_TOKEN_PATH = "/agent/v1/pod-token";
/** Public: the CA certificate, so that a joining agent can check it against its token's pin. */
export const CA_CERT_PATH = "/agent/v1/ca.crt";

/** WebSocket close codes everynode uses, with what the agent should do. */
export const CLOSE_CODES = {
  /** A message was malformed or of an unknown type: the agent logs and reconnects. */
  protocolError: 4000,
  /** The node credential is not (or no longer) valid: the agent re-registers. */
  unauthorized: 4001,
  /** Another connection for the same node replaced this one. */
  superseded: 4002,
  /** The node was deleted: the agent removes its pods, then re-registers (unless leaving). */
  nodeDeleted: 4003,
  /** The agent sent more messages than its rate allows: it reconnects after the longest back-off. */
  tooManyMessages: 4004,
  /** The server is shutting down: reconnect with back-off. */
  goingAway: 1001,
  /** A message was larger than the server accepts at all (sent by the WebSocket library). */
  messageTooBig: 1009,
} as const;

/**
 * What the server accepts from one agent. A message over its type's size, or with more
 * entries than allowed, closes the connection with `protocolError`; an agent that sends
 * faster than its rate closes with `tooManyMessages`. The agent keeps within these itself:
 * its status reporter sends at most `statusesPerBatch` statuses in at most
 * `statusBatchBytes`, and its log streamer sends chunks of at most `logChunkBytes`.
 */
export const AGENT_LIMITS = {
  /** The WebSocket's largest frame: nothing larger is even read. */
  maxMessageBytes: 4 * 1024 * 1024,
  /** Per type, the largest message (JSON bytes). */
  messageBytes: {
    hello: 64 * 1024,
    heartbeat: 1024,
    podStatus: 4 * 1024 * 1024,
    logData: 1024 * 1024,
    logEnd: 16 * 1024,
    goodbye: 4 * 1024,
    metrics: 4 * 1024,
    /** About 200 bytes a container: room for thousands (the agent drops what does not fit). */
    usage: 2 * 1024 * 1024,
    /** Room for the worst case the agent can send (every list, name and message at its bound). */
    nodeImages: 512 * 1024,
    // Streams (stream-messages.ts): a 64 KiB chunk in base64 with its envelope.
    streamData: 96 * 1024,
    streamCredit: 1024,
    streamEnd: 16 * 1024,
  },
  /** Statuses in one podStatus message. */
  podStatusEntries: 250,
  /** What the agent's status reporter puts in one message (well within the server's limits). */
  statusesPerBatch: 100,
  statusBatchBytes: 1024 * 1024,
  /** Log bytes in one logData message, before base64. */
  logChunkBytes: 256 * 1024,
  /** nodeName, requestId: bytes. */
  nameBytes: 253,
  /** logEnd error messages and goodbye reasons: bytes. */
  textBytes: 2048,
  /** Per connection: a token bucket of messages (a podStatus costs one more per 10 statuses)... */
  messagesPerSecond: 200,
  messageBurst: 1000,
  statusesPerToken: 10,
  /** ...and one of bytes; past it the server stops reading the socket until the bucket refills. */
  bytesPerSecond: 8 * 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
  /** Refused statuses named in one ack (the rest are counted in the server's log). */
  refusedPerAck: 20,
  /** Capabilities in one hello. */
  capabilities: 32,
  /** Images a node is asked to pre-pull, and images (and pre-pull states) it reports. */
  prePullImages: 50,
  /** Pull Secrets per pre-pull image. */
  prePullSecrets: 32,
  /** Names of one reported image; bytes of an image reference. */
  imageNames: 8,
  imageRefBytes: 512,
  /** Pods in one usage message, and containers of one pod in it. */
  usagePods: 1000,
  usageContainers: 64,
} as const;

// ------------------------------------------------------------------ registration (HTTP)

/** POST /agent/v1/register, authenticated by a join token. */
export interface RegisterRequest {
  nodeName: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: TaintEffect }[];
  /**
   * The node secret: random text the agent made at its first registration and keeps in its
   * data dir. The server keeps only its hash and re-registers an existing node only for the
   * same secret, so a join token cannot take over a node. The server requires it (422
   * without); it is optional here because the agent adds it only as it sends the request.
   */
  nodeSecret?: string;
}

export interface RegisterResponse {
  nodeName: string;
  /** The node credential (`<id>.<secret>`): the agent keeps it in its data dir. */
  token: string;
}

/** POST AGENT_POD_TOKEN_PATH: the pod, by name and uid (a pod of the same name replaced it: 404). */
export interface PodTokenRequest {
  namespace: string;
  name: string;
  uid: string;
  /**
   * For a projected `serviceAccountToken` source of the pod (its audience, default the API's,
   * and its life, at least 600 s): issued whatever automountServiceAccountToken says.
   */
  projected?: boolean;
  audience?: string;
  expirationSeconds?: number;
}

/**
 * `automount: false` when the pod (or else its ServiceAccount) says so: nothing is mounted.
 * Otherwise the token, bound to the pod, its ServiceAccount and its node, 3607 s long.
 */
export interface PodTokenResponse {
  automount: boolean;
  token?: string;
  expirationTimestamp?: string;
}

// ------------------------------------------------------------------ agent → server

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
 */
export type AgentCapability = "gracefulDeletion" | "prePull" | "configObjects";
export const AGENT_CAPABILITIES: readonly AgentCapability[] = [
  "gracefulDeletion",
  "prePull",
  "configObjects",
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

// ------------------------------------------------------------------ server → agent

export interface WelcomeMessage {
  v: 1;
  type: "welcome";
  nodeName: string;
  heartbeatIntervalSeconds: number;
  /** When set, the agent sends a `metrics` summary this often (older servers leave it out). */
  metricsIntervalSeconds?: number;
  /** When set, the agent samples usage this often and sends a `usage` message after each sample. */
  usageIntervalSeconds?: number;
}

export interface AssignmentsMessage {
  v: 1;
  type: "assignments";
  /** Increases with every change; the agent ignores a set older than one it applied. */
  revision: number;
  /** The node's complete set: what is not in it must not run. */
  pods: Pod[];
  /**
   * Images to pull ahead of a rollout (`rollingUpdate.prePull`), sent only to agents that
   * announced the `prePull` capability, and then always (empty when there is nothing to
   * pull): its presence tells the agent that the server takes `nodeImages` messages.
   */
  prePull?: PrePullImage[];
  /**
   * The ConfigMaps and Secrets the set's pods refer to, for agents that announced the
   * `configObjects` capability (always then, empty when none). A change of one of them sends
   * the node a new set.
   */
  config?: ConfigDelivery;
}

/** An image of a rollout's update revision, with the container's imagePullPolicy. */
export interface PrePullImage {
  image: string;
  pullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** The pull Secrets the update revision's pods would use (the set carries the Secrets). */
  pullSecrets?: { namespace: string; name: string }[];
}

/** A status the server would not store, and why (the agent logs it; resending would not help). */
export interface RefusedStatus {
  namespace: string;
  name: string;
  uid: string;
  reason: string;
}

export interface AckMessage {
  v: 1;
  type: "ack";
  seq: number;
  /** Statuses of this message that failed validation (at most AGENT_LIMITS.refusedPerAck). */
  refused?: RefusedStatus[];
}

export interface LogRequestMessage {
  v: 1;
  type: "logRequest";
  requestId: string;
  namespace: string;
  podName: string;
  podUid: string;
  container: string;
  follow: boolean;
  timestamps: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

export interface LogCancelMessage {
  v: 1;
  type: "logCancel";
  requestId: string;
}

export type ServerMessage =
  | WelcomeMessage
  | AssignmentsMessage
  | AckMessage
  | LogRequestMessage
  | LogCancelMessage
  | ServerStreamMessage;

// ------------------------------------------------------------------ decoding at the edge

function fail(message: string): never {
  throw new EverynodeError("ProtocolError", message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(m: Record<string, unknown>, key: string, optional = false): void {
  if (m[key] === undefined && optional) return;
  if (typeof m[key] !== "string") fail(`field "${key}" must be a string`);
}

function num(m: Record<string, unknown>, key: string, optional = false): void {
  if (m[key] === undefined && optional) return;
  if (typeof m[key] !== "number" || !Number.isFinite(m[key])) fail(`field "${key}" must be a number`);
}

function bool(m: Record<string, unknown>, key: string): void {
  if (typeof m[key] !== "boolean") fail(`field "${key}" must be a boolean`);
}

function parseEnvelope(raw: string | Buffer, maxBytes: number): Record<string, unknown> {
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  if (text.length > maxBytes) fail(`message of ${text.length} bytes is larger than ${maxBytes}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail("message is not JSON");
  }
  if (!isObject(parsed)) fail("message is not a JSON object");
  if (parsed.v !== PROTOCOL_VERSION) fail(`unsupported protocol version ${JSON.stringify(parsed.v)}`);
  if (typeof parsed.type !== "string") fail(`field "type" must be a string`);
  return parsed;
}

const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

/** A pre-pull's pull Secrets: bounded, each a namespace and a name. */
function checkPullSecrets(v: unknown): void {
  if (!Array.isArray(v) || v.length > AGENT_LIMITS.prePullSecrets)
    fail(`prePull pullSecrets must be an array of at most ${AGENT_LIMITS.prePullSecrets}`);
  for (const r of v) {
    if (!isObject(r)) fail("each prePull pullSecrets entry must be an object");
    for (const k of ["namespace", "name"]) {
      const text = r[k];
      if (typeof text !== "string" || text.length === 0 || text.length > 253)
        fail(`prePull pullSecrets ${k} must be a name of 1 to 253 characters`);
    }
  }
}

/** An assignment set's pre-pull list: bounded, each a reference and a known policy. */
function checkPrePullList(v: unknown): void {
  if (!Array.isArray(v)) fail(`field "prePull" must be an array`);
  if (v.length > AGENT_LIMITS.prePullImages)
    fail(`field "prePull" has ${v.length} images, more than ${AGENT_LIMITS.prePullImages}`);
  for (const entry of v) {
    if (!isObject(entry)) fail("each prePull entry must be an object");
    str(entry, "image");
    if ((entry.image as string).length === 0 || (entry.image as string).length > AGENT_LIMITS.imageRefBytes)
      fail(`prePull image must have 1 to ${AGENT_LIMITS.imageRefBytes} characters`);
    if (entry.pullPolicy !== undefined && !PULL_POLICIES.includes(entry.pullPolicy as string))
      fail(`prePull pullPolicy must be one of ${PULL_POLICIES.join(", ")}`);
    if (entry.pullSecrets !== undefined) checkPullSecrets(entry.pullSecrets);
  }
}

/** Validates a message from an agent; throws a ProtocolError naming what is wrong. */
export function decodeAgentMessage(
  raw: string | Buffer,
  maxBytes: number = AGENT_LIMITS.maxMessageBytes,
): AgentMessage {
  const m = parseEnvelope(raw, maxBytes);
  switch (m.type) {
    case "hello": {
      str(m, "nodeName");
      num(m, "appliedRevision");
      if (!isObject(m.node)) fail(`field "node" must be an object`);
      if (!Array.isArray(m.node.addresses)) fail(`field "node.addresses" must be an array`);
      if (!isObject(m.node.nodeInfo)) fail(`field "node.nodeInfo" must be an object`);
      if (!isObject(m.node.capacity) || !isObject(m.node.allocatable)) fail(`node capacity must be objects`);
      if (
        m.capabilities !== undefined &&
        !(Array.isArray(m.capabilities) && m.capabilities.every((c) => typeof c === "string"))
      )
        fail(`field "capabilities" must be a list of strings`);
      return m as unknown as HelloMessage;
    }
    case "heartbeat":
      return m as unknown as HeartbeatMessage;
    case "podStatus": {
      num(m, "seq");
      if (!Array.isArray(m.statuses)) fail(`field "statuses" must be an array`);
      for (const s of m.statuses) {
        if (!isObject(s)) fail("each status must be an object");
        str(s, "namespace");
        str(s, "name");
        str(s, "uid");
        if (!isObject(s.status)) fail(`field "status" must be an object`);
      }
      return m as unknown as PodStatusMessage;
    }
    case "logData":
      str(m, "requestId");
      str(m, "data");
      return m as unknown as LogDataMessage;
    case "logEnd":
      str(m, "requestId");
      if (m.error !== undefined && !isObject(m.error)) fail(`field "error" must be an object`);
      return m as unknown as LogEndMessage;
    case "goodbye":
      str(m, "reason");
      return m as unknown as GoodbyeMessage;
    case "nodeImages":
      if (!Array.isArray(m.images) || !Array.isArray(m.prePull))
        fail(`fields "images" and "prePull" must be arrays`);
      return m as unknown as NodeImagesMessage;
    case "metrics":
      num(m, "restarts");
      for (const key of ["containers", "imagePulls", "containerStarts", "reconcileLag"])
        if (!isObject(m[key])) fail(`field "${key}" must be an object`);
      return m as unknown as MetricsMessage;
    case "usage":
      str(m, "timestamp");
      num(m, "windowSeconds");
      if (!isObject(m.node)) fail(`field "node" must be an object`);
      if (!Array.isArray(m.pods)) fail(`field "pods" must be an array`);
      return m as unknown as UsageMessage;
    default:
      return decodeAgentStreamMessage(m) ?? fail(`unknown message type ${JSON.stringify(m.type)}`);
  }
}

/** Validates a message from the server; throws a ProtocolError naming what is wrong. */
export function decodeServerMessage(raw: string | Buffer, maxBytes = 64 * 1024 * 1024): ServerMessage {
  const m = parseEnvelope(raw, maxBytes);
  switch (m.type) {
    case "welcome":
      str(m, "nodeName");
      num(m, "heartbeatIntervalSeconds");
      num(m, "metricsIntervalSeconds", true);
      num(m, "usageIntervalSeconds", true);
      return m as unknown as WelcomeMessage;
    case "assignments":
      num(m, "revision");
      if (!Array.isArray(m.pods)) fail(`field "pods" must be an array`);
      for (const p of m.pods) {
        if (!isObject(p) || !isObject(p.metadata) || !isObject(p.spec))
          fail("each pod must have metadata and spec");
      }
      if (m.prePull !== undefined) checkPrePullList(m.prePull);
      if (m.config !== undefined) checkConfigDelivery(m.config);
      return m as unknown as AssignmentsMessage;
    case "ack":
      num(m, "seq");
      if (m.refused !== undefined && !Array.isArray(m.refused)) fail(`field "refused" must be an array`);
      return m as unknown as AckMessage;
    case "logRequest":
      str(m, "requestId");
      str(m, "namespace");
      str(m, "podName");
      str(m, "podUid");
      str(m, "container");
      bool(m, "follow");
      bool(m, "timestamps");
      bool(m, "previous");
      num(m, "tailLines", true);
      num(m, "sinceSeconds", true);
      num(m, "limitBytes", true);
      return m as unknown as LogRequestMessage;
    case "logCancel":
      str(m, "requestId");
      return m as unknown as LogCancelMessage;
    default:
      return decodeServerStreamMessage(m) ?? fail(`unknown message type ${JSON.stringify(m.type)}`);
  }
}
