// The ConfigMaps and Secrets an assignment set carries to an agent: their shape on the wire,
// the per-node bound, and the check the agent runs when a set arrives. Keys become file
// names in the pods' volumes and variable names in their environment, so a key that the
// API would refuse (`..`, a slash) is refused here too, whoever sent it.

import { EverynodeError } from "./errors.js";

/** A ConfigMap or Secret as delivered: its identity and its data, nothing else of it. */
export interface DeliveredObject {
  namespace: string;
  name: string;
  uid: string;
  resourceVersion: string;
  /** ConfigMap: UTF-8 values. Secret: base64 values, as in the API. */
  data?: Record<string, string>;
  /** ConfigMap only: base64 values. */
  binaryData?: Record<string, string>;
  /** Secret only. */
  type?: string;
}

/** A pod whose objects did not fit in the node's bound: it waits, with this message. */
export interface WithheldPod {
  uid: string;
  message: string;
}

/**
 * What an assignment set carries for agents with the `configObjects` capability: the
 * ConfigMaps and Secrets the set's pods refer to (only those, and only those that exist).
 */
export interface ConfigDelivery {
  configMaps: DeliveredObject[];
  secrets: DeliveredObject[];
  withheld: WithheldPod[];
}

/**
 * The bound of one node's objects. A pod whose objects would pass it gets none of them and
 * waits (CreateContainerConfigError); the pods before it, oldest first, keep theirs.
 */
export const CONFIG_LIMITS = {
  objects: 1000,
  /** The delivered objects' JSON, summed. */
  bytes: 16 * 1024 * 1024,
} as const;

const NAME_BYTES = 253;
const KEY_RE = /^[-._a-zA-Z0-9]+$/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const MESSAGE_BYTES = 2048;

/** Whether a data key is one the API accepts (and so a safe file and variable name). */
export function isConfigKey(key: string): boolean {
  return key.length <= NAME_BYTES && KEY_RE.test(key) && key !== "." && key !== "..";
}

function fail(message: string): never {
  throw new EverynodeError("ProtocolError", `assignments.config: ${message}`);
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function checkName(v: unknown, what: string): void {
  if (typeof v !== "string" || v === "" || v.length > NAME_BYTES || !/^[a-z0-9.-]+$/.test(v))
    fail(`${what} must be a DNS name of at most ${NAME_BYTES} characters`);
}

function checkData(v: unknown, what: string, base64: boolean): void {
  if (v === undefined) return;
  if (!isMap(v)) fail(`${what} must be a map`);
  for (const [key, value] of Object.entries(v)) {
    if (!isConfigKey(key)) fail(`${what} has the key ${JSON.stringify(key.slice(0, 60))}, not a valid key`);
    if (typeof value !== "string") fail(`${what}.${key} must be a string`);
    if (base64 && !BASE64_RE.test(value)) fail(`${what}.${key} must be base64`);
  }
}

const OBJECT_FIELDS = ["namespace", "name", "uid", "resourceVersion", "data", "binaryData", "type"];

function checkObject(v: unknown, what: string, secret: boolean): void {
  if (!isMap(v)) fail(`${what} must be an object`);
  for (const k of Object.keys(v)) if (!OBJECT_FIELDS.includes(k)) fail(`${what} has the unknown field ${k}`);
  checkName(v.namespace, `${what}.namespace`);
  checkName(v.name, `${what}.name`);
  for (const k of ["uid", "resourceVersion"])
    if (typeof v[k] !== "string" || (v[k] as string).length > NAME_BYTES)
      fail(`${what}.${k} must be a string`);
  checkData(v.data, `${what}.data`, secret);
  if (secret) {
    if (v.binaryData !== undefined) fail(`${what}.binaryData is for ConfigMaps only`);
    if (v.type !== undefined && (typeof v.type !== "string" || v.type.length > NAME_BYTES))
      fail(`${what}.type must be a string`);
  } else {
    if (v.type !== undefined) fail(`${what}.type is for Secrets only`);
    checkData(v.binaryData, `${what}.binaryData`, true);
  }
}

/** Checks an assignment set's `config` field as it arrives; throws a ProtocolError. */
export function checkConfigDelivery(v: unknown): asserts v is ConfigDelivery {
  if (!isMap(v)) fail("must be an object");
  for (const k of Object.keys(v))
    if (!["configMaps", "secrets", "withheld"].includes(k)) fail(`unknown field ${k}`);
  if (!Array.isArray(v.configMaps) || !Array.isArray(v.secrets) || !Array.isArray(v.withheld))
    fail("configMaps, secrets and withheld must be lists");
  const count = v.configMaps.length + v.secrets.length;
  if (count > CONFIG_LIMITS.objects) fail(`${count} objects, more than ${CONFIG_LIMITS.objects}`);
  v.configMaps.forEach((o, i) => checkObject(o, `configMaps[${i}]`, false));
  v.secrets.forEach((o, i) => checkObject(o, `secrets[${i}]`, true));
  v.withheld.forEach((w, i) => {
    if (!isMap(w) || typeof w.uid !== "string" || typeof w.message !== "string")
      fail(`withheld[${i}] must have a uid and a message`);
    if (w.uid.length > NAME_BYTES || w.message.length > MESSAGE_BYTES)
      fail(`withheld[${i}] is longer than allowed`);
  });
}
