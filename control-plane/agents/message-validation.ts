// What an agent may send, checked field by field before anything of it is used: each
// message's size for its type, no unknown fields, and every field's type and bounds. A node
// credential is a machine's, not a person's: what it reports is printed to everyone (nodes,
// pods, events), so nothing unchecked reaches the store. Pure; the object parts reuse the
// API's validation (node status facts, pod status).
//
// Two outcomes: a message that is wrong as a whole is refused (a ProtocolError, which
// closes the connection); a podStatus entry whose status is wrong is only left out of its
// batch (splitPodStatuses), so that one bad pod does not hold back the node's others.

import { EverynodeError, fieldError, type FieldError } from "../../shared/errors.js";
import { truncateUtf8 } from "../../shared/limits.js";
import type { AgentMessage, PodStatusReport, RefusedStatus } from "../../shared/protocol.js";
import { AGENT_LIMITS as L, AGENT_METRIC_BUCKETS } from "../../shared/protocol.js";
import { STREAM_LIMITS } from "../../shared/stream-messages.js";
import {
  boundedList,
  boundedString,
  intField,
  knownObject,
  validateNodeAddresses,
  validateNodeInfo,
  validateNodeResources,
  validatePodStatus,
  isObject,
  typeInvalid,
  timestampField,
} from "../kube/index.js";

const ENVELOPE = ["v", "type"];
const FIELDS: Record<AgentMessage["type"], string[]> = {
  hello: [...ENVELOPE, "nodeName", "node", "appliedRevision", "capabilities"],
  heartbeat: ENVELOPE,
  podStatus: [...ENVELOPE, "seq", "statuses"],
  logData: [...ENVELOPE, "requestId", "data"],
  logEnd: [...ENVELOPE, "requestId", "error"],
  goodbye: [...ENVELOPE, "reason"],
  metrics: [...ENVELOPE, "containers", "restarts", "imagePulls", "containerStarts", "reconcileLag"],
  nodeImages: [...ENVELOPE, "images", "prePull"],
  usage: [...ENVELOPE, "timestamp", "windowSeconds", "node", "pods"],
  streamData: [...ENVELOPE, "streamId", "channel", "data"],
  streamCredit: [...ENVELOPE, "streamId", "bytes"],
  streamEnd: [...ENVELOPE, "streamId", "exitCode", "error"],
};
const REPORT_FIELDS = ["namespace", "name", "uid", "status", "gone"];
const NODE_FIELDS = ["addresses", "capacity", "allocatable", "nodeInfo"];
const LOG_ERROR_CODES = ["NotFound", "BadRequest", "InternalError"];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** How much of one problem is told (a message quotes the wrong value, which may be huge). */
const PROBLEM_BYTES = 200;

/** Field errors as one short line: the first few, each cut short, then how many more. */
export function describeProblems(errs: FieldError[], shown = 3): string {
  const parts = errs.slice(0, shown).map((e) => truncateUtf8(`${e.field}: ${e.message}`, PROBLEM_BYTES));
  const more = errs.length > shown ? ` (and ${errs.length - shown} more)` : "";
  return parts.join("; ") + more;
}

function refuse(type: string, errs: FieldError[]): never {
  throw new EverynodeError("ProtocolError", `${type}: ${describeProblems(errs)}`);
}

function requiredObject(
  v: unknown,
  path: string,
  keys: string[],
  errs: FieldError[],
): Record<string, unknown> {
  if (v === undefined || v === null) errs.push(typeInvalid(path, v, "an object"));
  return knownObject(v, path, keys, errs) ?? {};
}

function checkHello(m: Record<string, unknown>, errs: FieldError[]): void {
  boundedString(m.nodeName, "nodeName", L.nameBytes, errs, { required: true });
  intField(m.appliedRevision, "appliedRevision", errs, 0, Number.MAX_SAFE_INTEGER);
  if (m.appliedRevision === undefined) errs.push(typeInvalid("appliedRevision", undefined, "an integer"));
  const node = requiredObject(m.node, "node", NODE_FIELDS, errs);
  if (!Array.isArray(node.addresses)) errs.push(typeInvalid("node.addresses", node.addresses, "a list"));
  else errs.push(...validateNodeAddresses(node.addresses, "node.addresses"));
  for (const key of ["capacity", "allocatable"]) {
    if (!isObject(node[key])) errs.push(typeInvalid(`node.${key}`, node[key], "a map of quantities"));
    else errs.push(...validateNodeResources(node[key], `node.${key}`));
  }
  if (!isObject(node.nodeInfo)) errs.push(typeInvalid("node.nodeInfo", node.nodeInfo, "an object"));
  else errs.push(...validateNodeInfo(node.nodeInfo, "node.nodeInfo"));
  if (m.capabilities !== undefined) {
    const caps = boundedList(m.capabilities, "capabilities", L.capabilities, errs);
    caps.forEach((c, i) => boundedString(c, `capabilities[${i}]`, L.nameBytes, errs, { required: true }));
  }
}

/** Identity of each entry: what an ack can name. The statuses themselves are checked per entry. */
function checkPodStatus(m: Record<string, unknown>, errs: FieldError[]): void {
  intField(m.seq, "seq", errs, 0, Number.MAX_SAFE_INTEGER);
  if (!Array.isArray(m.statuses)) {
    errs.push(typeInvalid("statuses", m.statuses, "a list"));
    return;
  }
  boundedList(m.statuses, "statuses", L.podStatusEntries, errs).forEach((r, i) => {
    const p = `statuses[${i}]`;
    const o = requiredObject(r, p, REPORT_FIELDS, errs);
    boundedString(o.namespace, `${p}.namespace`, L.nameBytes, errs, { required: true });
    boundedString(o.name, `${p}.name`, L.nameBytes, errs, { required: true });
    boundedString(o.uid, `${p}.uid`, L.nameBytes, errs, { required: true });
    if (!isObject(o.status)) errs.push(typeInvalid(`${p}.status`, o.status, "an object"));
    if (o.gone !== undefined && o.gone !== true) errs.push(typeInvalid(`${p}.gone`, o.gone, "true"));
  });
}

function checkLogData(m: Record<string, unknown>, errs: FieldError[]): void {
  boundedString(m.requestId, "requestId", L.nameBytes, errs, { required: true });
  checkBase64(m.data, errs);
}

function checkStream(m: Record<string, unknown>, errs: FieldError[]): void {
  boundedString(m.streamId, "streamId", L.nameBytes, errs, { required: true });
  if (m.type === "streamData") {
    intField(m.channel, "channel", errs, 0, 255);
    checkBase64(m.data, errs);
  } else if (m.type === "streamCredit") intField(m.bytes, "bytes", errs, 0, STREAM_LIMITS.windowBytes);
  else if (m.type === "streamEnd") {
    intField(m.exitCode, "exitCode", errs, -(2 ** 31), 2 ** 31 - 1);
    checkError(m.error, errs);
  }
}

function checkBase64(data: unknown, errs: FieldError[]): void {
  if (typeof data !== "string") errs.push(typeInvalid("data", data, "a base64 string"));
  else if (!BASE64.test(data)) errs.push(typeInvalid("data", "(not shown)", "a base64 string"));
}

function checkLogEnd(m: Record<string, unknown>, errs: FieldError[]): void {
  boundedString(m.requestId, "requestId", L.nameBytes, errs, { required: true });
  checkError(m.error, errs);
}

/** The error of a logEnd or streamEnd: one of the codes the server knows, a bounded text. */
function checkError(v: unknown, errs: FieldError[]): void {
  const error = knownObject(v, "error", ["code", "message"], errs);
  if (!error) return;
  const code = boundedString(error.code, "error.code", L.nameBytes, errs, { required: true });
  if (code && !LOG_ERROR_CODES.includes(code))
    errs.push(fieldError.notSupported("error.code", code, LOG_ERROR_CODES));
  boundedString(error.message, "error.message", L.textBytes, errs);
}

/** Bounds of a metrics summary: far above what one node reports in one interval. */
const MAX_CONTAINERS = 100_000;
const MAX_RESTARTS = 1_000_000_000;
const MAX_OBSERVATIONS = 1_000_000;
const MAX_SECONDS_SUM = 1e9;

function checkDurations(v: unknown, path: string, errs: FieldError[]): void {
  const o = requiredObject(v, path, ["counts", "sum"], errs);
  if (!Array.isArray(o.counts) || o.counts.length !== AGENT_METRIC_BUCKETS.length + 1) {
    errs.push(
      typeInvalid(`${path}.counts`, "(not shown)", `a list of ${AGENT_METRIC_BUCKETS.length + 1} counts`),
    );
  } else {
    o.counts.forEach((c, i) => {
      intField(c, `${path}.counts[${i}]`, errs, 0, MAX_OBSERVATIONS);
      if (c === null) errs.push(typeInvalid(`${path}.counts[${i}]`, c, "an integer"));
    });
  }
  if (typeof o.sum !== "number" || !Number.isFinite(o.sum) || o.sum < 0 || o.sum > MAX_SECONDS_SUM)
    errs.push(typeInvalid(`${path}.sum`, o.sum, `a number of seconds between 0 and ${MAX_SECONDS_SUM}`));
}

function checkMetrics(m: Record<string, unknown>, errs: FieldError[]): void {
  const states = ["running", "waiting", "terminated"];
  const containers = requiredObject(m.containers, "containers", states, errs);
  for (const state of states) {
    if (containers[state] === undefined)
      errs.push(typeInvalid(`containers.${state}`, undefined, "an integer"));
    intField(containers[state], `containers.${state}`, errs, 0, MAX_CONTAINERS);
  }
  if (m.restarts === undefined) errs.push(typeInvalid("restarts", undefined, "an integer"));
  intField(m.restarts, "restarts", errs, 0, MAX_RESTARTS);
  for (const key of ["imagePulls", "containerStarts", "reconcileLag"]) checkDurations(m[key], key, errs);
}

/** Bounds of usage figures: far above any host (a million cores, an exabyte). */
const MAX_NANOCORES = 1e15;
const MAX_MEMORY_BYTES = 2 ** 60;
const MAX_WINDOW_SECONDS = 3600;

function checkFigures(v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  for (const [key, max] of [
    ["cpuNanocores", MAX_NANOCORES],
    ["memoryBytes", MAX_MEMORY_BYTES],
  ] as const) {
    if (v[key] === undefined) errs.push(typeInvalid(`${path}.${key}`, undefined, "an integer"));
    intField(v[key], `${path}.${key}`, errs, 0, max);
  }
}

/** usage: a timestamp, a window, the node's figures and bounded lists of pods and containers. */
function checkUsage(m: Record<string, unknown>, errs: FieldError[]): void {
  if (m.timestamp === undefined) errs.push(fieldError.required("timestamp"));
  timestampField(m.timestamp, "timestamp", errs);
  const w = m.windowSeconds;
  if (typeof w !== "number" || !Number.isFinite(w) || w <= 0 || w > MAX_WINDOW_SECONDS)
    errs.push(typeInvalid("windowSeconds", w, `a number of seconds above 0, at most ${MAX_WINDOW_SECONDS}`));
  checkFigures(requiredObject(m.node, "node", ["cpuNanocores", "memoryBytes"], errs), "node", errs);
  if (!Array.isArray(m.pods)) errs.push(typeInvalid("pods", m.pods, "a list"));
  boundedList(m.pods, "pods", L.usagePods, errs).forEach((v, i) => {
    const p = `pods[${i}]`;
    const pod = requiredObject(v, p, ["namespace", "name", "uid", "containers"], errs);
    for (const key of ["namespace", "name", "uid"])
      boundedString(pod[key], `${p}.${key}`, L.nameBytes, errs, { required: true });
    if (!Array.isArray(pod.containers)) errs.push(typeInvalid(`${p}.containers`, pod.containers, "a list"));
    boundedList(pod.containers, `${p}.containers`, L.usageContainers, errs).forEach((c, j) => {
      const cp = `${p}.containers[${j}]`;
      const container = requiredObject(c, cp, ["name", "cpuNanocores", "memoryBytes"], errs);
      boundedString(container.name, `${cp}.name`, L.nameBytes, errs, { required: true });
      checkFigures(container, cp, errs);
    });
  });
}

const PRE_PULL_STATES = ["Pulling", "Present", "Failed"];
const PULL_FAILURES = ["ErrImagePull", "ErrImageNeverPull"];
/** A reported image's size: far above any real image. */
const MAX_IMAGE_BYTES = 2 ** 50;

/** nodeImages: at most AGENT_LIMITS.prePullImages of each, every name and message bounded. */
function checkNodeImages(m: Record<string, unknown>, errs: FieldError[]): void {
  boundedList(m.images, "images", L.prePullImages, errs).forEach((v, i) => {
    const p = `images[${i}]`;
    const image = requiredObject(v, p, ["names", "sizeBytes"], errs);
    const names = boundedList(image.names, `${p}.names`, L.imageNames, errs);
    if (names.length === 0) errs.push(typeInvalid(`${p}.names`, image.names, "a list of image names"));
    names.forEach((n, j) => boundedString(n, `${p}.names[${j}]`, L.imageRefBytes, errs, { required: true }));
    intField(image.sizeBytes, `${p}.sizeBytes`, errs, 0, MAX_IMAGE_BYTES);
  });
  boundedList(m.prePull, "prePull", L.prePullImages, errs).forEach((v, i) => {
    const p = `prePull[${i}]`;
    const s = requiredObject(v, p, ["image", "state", "reason", "message"], errs);
    boundedString(s.image, `${p}.image`, L.imageRefBytes, errs, { required: true });
    const state = boundedString(s.state, `${p}.state`, L.nameBytes, errs, { required: true });
    if (state && !PRE_PULL_STATES.includes(state))
      errs.push(fieldError.notSupported(`${p}.state`, state, PRE_PULL_STATES));
    const reason = boundedString(s.reason, `${p}.reason`, L.nameBytes, errs);
    if (reason && !PULL_FAILURES.includes(reason))
      errs.push(fieldError.notSupported(`${p}.reason`, reason, PULL_FAILURES));
    boundedString(s.message, `${p}.message`, L.textBytes, errs);
  });
}

/**
 * Checks a decoded agent message of `bytes` bytes; throws a ProtocolError naming what is
 * wrong. A podStatus passing this may still hold statuses that splitPodStatuses leaves out.
 */
export function checkAgentMessage(message: AgentMessage, bytes: number): void {
  const m = message as unknown as Record<string, unknown>;
  const type = message.type;
  const max = L.messageBytes[type];
  if (bytes > max) {
    throw new EverynodeError("ProtocolError", `${type}: message of ${bytes} bytes is larger than ${max}`);
  }
  const errs: FieldError[] = [];
  knownObject(m, type, FIELDS[type], errs);
  if (type === "hello") checkHello(m, errs);
  else if (type === "podStatus") checkPodStatus(m, errs);
  else if (type === "logData") checkLogData(m, errs);
  else if (type === "logEnd") checkLogEnd(m, errs);
  else if (type === "goodbye") boundedString(m.reason, "reason", L.textBytes, errs);
  else if (type === "metrics") checkMetrics(m, errs);
  else if (type === "nodeImages") checkNodeImages(m, errs);
  else if (type === "usage") checkUsage(m, errs);
  else if (type.startsWith("stream")) checkStream(m, errs);
  if (errs.length > 0) refuse(type, errs);
}

/** The statuses of a checked podStatus message that may be stored, and those refused with why. */
export function splitPodStatuses(statuses: PodStatusReport[]): {
  valid: PodStatusReport[];
  refused: RefusedStatus[];
} {
  const valid: PodStatusReport[] = [];
  const refused: RefusedStatus[] = [];
  for (const report of statuses) {
    const errs = validatePodStatus(report.status, "status", { strict: true });
    if (errs.length === 0) valid.push(report);
    else {
      const { namespace, name, uid } = report;
      refused.push({ namespace, name, uid, reason: describeProblems(errs) });
    }
  }
  return { valid, refused };
}
