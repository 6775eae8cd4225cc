// v1 PodStatus, as an agent reports it: each field's type, the phase and condition enums,
// timestamps that parse as RFC 3339, and bounded strings and lists (POD_STATUS_LIMITS),
// so that no status can break a pod listing or bloat the store.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { POD_STATUS_LIMITS as L } from "../../../shared/limits.js";
import { boolField, boundedList, boundedString, intField, knownObject, timestampField } from "./bounded.js";
import { isObject, typeInvalid, type Obj } from "./util.js";

export const POD_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];
export const CONDITION_STATUSES = ["True", "False", "Unknown"];

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

const STATUS_KEYS = [
  "phase",
  "conditions",
  "hostIP",
  "hostIPs",
  "podIP",
  "podIPs",
  "startTime",
  "containerStatuses",
  "initContainerStatuses",
  "message",
  "reason",
  "qosClass",
];
const CONDITION_KEYS = ["type", "status", "lastProbeTime", "lastTransitionTime", "reason", "message"];
const CONTAINER_KEYS = [
  "name",
  "state",
  "lastState",
  "ready",
  "started",
  "restartCount",
  "image",
  "imageID",
  "containerID",
];
const TERMINATED_KEYS = ["exitCode", "signal", "reason", "message", "startedAt", "finishedAt", "containerID"];

export interface PodStatusOptions {
  /** Refuse fields everynode does not know (agents); the HTTP API checks unknown fields itself. */
  strict?: boolean;
}

type Keys = (allowed: readonly string[]) => readonly string[] | undefined;

function enumField(v: unknown, path: string, values: string[], errs: FieldError[], required: boolean): void {
  const s = boundedString(v, path, L.shortString, errs, { required });
  if (s && !values.includes(s)) errs.push(fieldError.notSupported(path, s, values));
}

/** An optional object (a list item when `item`: then null is wrong too), unknown keys refused when strict. */
function objectAt(
  v: unknown,
  path: string,
  keys: readonly string[] | undefined,
  errs: FieldError[],
  item = false,
): Obj | undefined {
  if (item && (v === undefined || v === null)) {
    errs.push(typeInvalid(path, v, "an object"));
    return undefined;
  }
  if (keys) return knownObject(v, path, keys, errs);
  if (v === undefined || v === null) return undefined;
  if (isObject(v)) return v;
  errs.push(typeInvalid(path, v, "an object"));
  return undefined;
}

function validateIPs(v: unknown, path: string, keys: Keys, errs: FieldError[]): void {
  boundedList(v, path, L.ips, errs).forEach((ip, i) => {
    const o = objectAt(ip, `${path}[${i}]`, keys(["ip"]), errs, true);
    if (!o) return;
    boundedString(o.ip, `${path}[${i}].ip`, L.shortString, errs, { required: true });
  });
}

function validateConditions(v: unknown, path: string, keys: Keys, errs: FieldError[]): void {
  boundedList(v, path, L.conditions, errs).forEach((c, i) => {
    const p = `${path}[${i}]`;
    const o = objectAt(c, p, keys(CONDITION_KEYS), errs, true);
    if (!o) return;
    boundedString(o.type, `${p}.type`, L.shortString, errs, { required: true });
    enumField(o.status, `${p}.status`, CONDITION_STATUSES, errs, true);
    timestampField(o.lastProbeTime, `${p}.lastProbeTime`, errs);
    timestampField(o.lastTransitionTime, `${p}.lastTransitionTime`, errs);
    boundedString(o.reason, `${p}.reason`, L.shortString, errs);
    boundedString(o.message, `${p}.message`, L.message, errs);
  });
}

/** One of waiting, running or terminated, or none. */
function validateState(v: unknown, path: string, keys: Keys, errs: FieldError[]): void {
  const state = objectAt(v, path, keys(["waiting", "running", "terminated"]), errs);
  if (!state) return;
  const set = ["waiting", "running", "terminated"].filter((k) => state[k] !== undefined && state[k] !== null);
  if (set.length > 1) errs.push(fieldError.forbidden(path, "may not specify more than 1 state"));
  const waiting = objectAt(state.waiting, `${path}.waiting`, keys(["reason", "message"]), errs);
  if (waiting) {
    boundedString(waiting.reason, `${path}.waiting.reason`, L.shortString, errs);
    boundedString(waiting.message, `${path}.waiting.message`, L.message, errs);
  }
  const running = objectAt(state.running, `${path}.running`, keys(["startedAt"]), errs);
  if (running) timestampField(running.startedAt, `${path}.running.startedAt`, errs);
  const t = objectAt(state.terminated, `${path}.terminated`, keys(TERMINATED_KEYS), errs);
  if (t) {
    const p = `${path}.terminated`;
    if (t.exitCode === undefined || t.exitCode === null) errs.push(fieldError.required(`${p}.exitCode`));
    intField(t.exitCode, `${p}.exitCode`, errs, INT32_MIN, INT32_MAX);
    intField(t.signal, `${p}.signal`, errs, INT32_MIN, INT32_MAX);
    boundedString(t.reason, `${p}.reason`, L.shortString, errs);
    boundedString(t.message, `${p}.message`, L.message, errs);
    timestampField(t.startedAt, `${p}.startedAt`, errs);
    timestampField(t.finishedAt, `${p}.finishedAt`, errs);
    boundedString(t.containerID, `${p}.containerID`, L.shortString, errs);
  }
}

function validateContainerStatuses(v: unknown, path: string, keys: Keys, errs: FieldError[]): void {
  const strict = keys([]) !== undefined;
  const names = new Set<string>();
  boundedList(v, path, L.containerStatuses, errs).forEach((c, i) => {
    const p = `${path}[${i}]`;
    const o = objectAt(c, p, keys(CONTAINER_KEYS), errs, true);
    if (!o) return;
    const name = boundedString(o.name, `${p}.name`, L.shortString, errs, { required: true });
    if (name && names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
    names.add(name);
    for (const key of ["state", "lastState"]) {
      // The agent's protocol declares both; the API, as Kubernetes, takes an absent one as empty.
      if (strict && (o[key] === undefined || o[key] === null)) errs.push(fieldError.required(`${p}.${key}`));
      validateState(o[key], `${p}.${key}`, keys, errs);
    }
    boolField(o.ready, `${p}.ready`, errs);
    boolField(o.started, `${p}.started`, errs);
    intField(o.restartCount, `${p}.restartCount`, errs, 0, INT32_MAX);
    boundedString(o.image, `${p}.image`, L.shortString, errs);
    boundedString(o.imageID, `${p}.imageID`, L.shortString, errs);
    boundedString(o.containerID, `${p}.containerID`, L.shortString, errs);
  });
}

/** Every problem of a pod's status; empty when it may be stored. */
export function validatePodStatus(
  status: unknown,
  path = "status",
  options: PodStatusOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const keys: Keys = (allowed) => (options.strict ? allowed : undefined);
  const s = objectAt(status, path, keys(STATUS_KEYS), errs);
  if (!s) return errs;
  enumField(s.phase, `${path}.phase`, POD_PHASES, errs, false);
  validateConditions(s.conditions, `${path}.conditions`, keys, errs);
  boundedString(s.hostIP, `${path}.hostIP`, L.shortString, errs);
  validateIPs(s.hostIPs, `${path}.hostIPs`, keys, errs);
  boundedString(s.podIP, `${path}.podIP`, L.shortString, errs);
  validateIPs(s.podIPs, `${path}.podIPs`, keys, errs);
  timestampField(s.startTime, `${path}.startTime`, errs);
  validateContainerStatuses(s.containerStatuses, `${path}.containerStatuses`, keys, errs);
  validateContainerStatuses(s.initContainerStatuses, `${path}.initContainerStatuses`, keys, errs);
  boundedString(s.message, `${path}.message`, L.message, errs);
  boundedString(s.reason, `${path}.reason`, L.shortString, errs);
  boundedString(s.qosClass, `${path}.qosClass`, L.shortString, errs);
  return errs;
}
