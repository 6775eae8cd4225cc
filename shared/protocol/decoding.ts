// The agent protocol at the edge: each message parsed and checked field by field before
// anything reads it; a bad one is a ProtocolError naming what is wrong.

import { checkConfigDelivery } from "../config-delivery.js";
import { EverynodeError } from "../errors.js";
import { decodeAgentStreamMessage, decodeServerStreamMessage } from "../stream-messages.js";
import type {
  AgentMessage,
  GoodbyeMessage,
  HeartbeatMessage,
  HelloMessage,
  LogDataMessage,
  LogEndMessage,
  MetricsMessage,
  NodeImagesMessage,
  PodStatusMessage,
  UsageMessage,
} from "./agent-messages.js";
import { AGENT_LIMITS, PROTOCOL_VERSION } from "./constants.js";
import type {
  AckMessage,
  AssignmentsMessage,
  LogCancelMessage,
  LogRequestMessage,
  PaceMessage,
  ServerMessage,
  WelcomeMessage,
} from "./server-messages.js";

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
    case "pace":
      num(m, "heartbeatIntervalSeconds");
      return m as unknown as PaceMessage;
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
