// The agent protocol's version, paths, close codes and limits (see shared/protocol.ts).

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
