// The facts of a v1 NodeStatus that an agent reports about its host: addresses, capacity,
// allocatable and nodeInfo. Each is typed and bounded (NODE_REPORT_LIMITS): they are
// printed in every `kubectl get nodes`, so one odd value must never reach the store.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { NODE_REPORT_LIMITS as L } from "../../../shared/limits.js";
import { isValidQuantity, parseQuantity, QUANTITY_SYNTAX_MESSAGE } from "../../../shared/quantity.js";
import { boundedList, boundedString, knownObject, tooMany } from "./bounded.js";
import { qualifiedNameErrors } from "./names.js";
import { invalidEach, isObject, typeInvalid } from "./util.js";

/** Kubernetes' NodeAddressType values. */
export const NODE_ADDRESS_TYPES = ["Hostname", "InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS"];

/** The keys of v1 NodeSystemInfo, all strings. */
export const NODE_INFO_KEYS = [
  "machineID",
  "systemUUID",
  "bootID",
  "kernelVersion",
  "osImage",
  "containerRuntimeVersion",
  "kubeletVersion",
  "kubeProxyVersion",
  "operatingSystem",
  "architecture",
];

/** status.addresses: typed entries with a known type and a non-empty address. */
export function validateNodeAddresses(v: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  boundedList(v, path, L.addresses, errs).forEach((a, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(a)) {
      errs.push(typeInvalid(p, a, "an object"));
      return;
    }
    const o = knownObject(a, p, ["type", "address"], errs) ?? {};
    const type = boundedString(o.type, `${p}.type`, L.string, errs, { required: true });
    if (type && !NODE_ADDRESS_TYPES.includes(type))
      errs.push(fieldError.notSupported(`${p}.type`, type, NODE_ADDRESS_TYPES));
    boundedString(o.address, `${p}.address`, L.string, errs, { required: true });
  });
  return errs;
}

/** status.capacity and status.allocatable: resource names and non-negative quantities. */
export function validateNodeResources(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (!isObject(v)) return [typeInvalid(path, v, "a map of quantities")];
  const entries = Object.entries(v);
  if (entries.length > L.resources) return [tooMany(path, entries.length, L.resources)];
  const errs: FieldError[] = [];
  for (const [name, q] of entries) {
    const p = `${path}[${name}]`;
    errs.push(...invalidEach(p, name, qualifiedNameErrors(name)));
    if (typeof q !== "string") {
      errs.push(typeInvalid(p, q, "a quantity string"));
      continue;
    }
    if (q.length > L.string || !isValidQuantity(q))
      errs.push(fieldError.invalid(p, q, QUANTITY_SYNTAX_MESSAGE));
    else if (parseQuantity(q) < 0) errs.push(fieldError.invalid(p, q, "must be greater than or equal to 0"));
  }
  return errs;
}

/** status.nodeInfo: the known keys, each a bounded string. */
export function validateNodeInfo(v: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const info = knownObject(v, path, NODE_INFO_KEYS, errs);
  if (!info) return errs;
  for (const key of NODE_INFO_KEYS) boundedString(info[key], `${path}.${key}`, L.string, errs);
  return errs;
}

/** The facts of a node's status an agent reports; other status fields are not looked at. */
export function validateNodeStatusFacts(status: unknown, path = "status"): FieldError[] {
  if (status === undefined || status === null) return [];
  if (!isObject(status)) return [typeInvalid(path, status, "an object")];
  return [
    ...validateNodeAddresses(status.addresses, `${path}.addresses`),
    ...validateNodeResources(status.capacity, `${path}.capacity`),
    ...validateNodeResources(status.allocatable, `${path}.allocatable`),
    ...validateNodeInfo(status.nodeInfo, `${path}.nodeInfo`),
  ];
}
