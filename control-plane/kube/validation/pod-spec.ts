// A pod spec (a DaemonSet's template or a pod): containers and their siblings' rules,
// volumes, policies, scheduling fields and host networking.

import type { FieldError } from "../../../shared/errors.js";
import { fieldError } from "../../../shared/errors.js";
import { validateContainer } from "./container.js";
import { validateLabels } from "./metadata.js";
import { dns1123LabelErrors, dns1123SubdomainErrors } from "./names.js";
import { validateAffinity, validateTolerations } from "./scheduling.js";
import {
  invalidEach,
  isObject,
  listField,
  nonNegativeInt,
  objectField,
  stringField,
  typeInvalid,
} from "./util.js";
import { validateVolumes } from "./volumes.js";

export const RESTART_POLICIES = ["Always", "Never", "OnFailure"];
export const DNS_POLICIES = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];

export interface PodSpecOptions {
  /** The restart policies allowed here: a DaemonSet's template only allows Always. */
  restartPolicies?: string[];
}

/** Container names must be unique across containers and init containers. */
function duplicateNames(lists: { items: unknown[]; path: string }[]): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  for (const { items, path } of lists) {
    items.forEach((c, i) => {
      const name = isObject(c) && typeof c.name === "string" ? c.name : "";
      if (!name) return;
      if (seen.has(name)) errs.push(fieldError.duplicate(`${path}[${i}].name`, name));
      seen.add(name);
    });
  }
  return errs;
}

/** With hostNetwork, each hostPort must equal its containerPort; no two ports may claim one host port. */
function hostPortErrors(lists: { items: unknown[]; path: string }[], hostNetwork: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const claimed = new Set<string>();
  for (const { items, path } of lists) {
    items.forEach((c, i) => {
      const ports = isObject(c) && Array.isArray(c.ports) ? c.ports : [];
      ports.forEach((port: unknown, j: number) => {
        if (!isObject(port)) return;
        const p = `${path}[${i}].ports[${j}]`;
        const hostPort = port.hostPort ?? 0;
        if (hostNetwork && hostPort !== port.containerPort) {
          errs.push(
            fieldError.invalid(
              `${p}.containerPort`,
              port.containerPort,
              "must match `hostPort` when `hostNetwork` is true",
            ),
          );
        }
        if (hostPort === 0) return;
        const key = `${String(port.protocol ?? "TCP")}/${String(port.hostIP ?? "")}/${String(hostPort)}`;
        if (claimed.has(key)) errs.push(fieldError.duplicate(`${p}.hostPort`, key));
        claimed.add(key);
      });
    });
  }
  return errs;
}

function validatePolicies(spec: Record<string, unknown>, path: string, opts: PodSpecOptions): FieldError[] {
  const errs: FieldError[] = [];
  const restart = stringField(spec.restartPolicy, `${path}.restartPolicy`, errs);
  const allowed = opts.restartPolicies ?? RESTART_POLICIES;
  if (!restart) errs.push(fieldError.required(`${path}.restartPolicy`));
  else if (!allowed.includes(restart))
    errs.push(fieldError.notSupported(`${path}.restartPolicy`, restart, allowed));
  const dns = stringField(spec.dnsPolicy, `${path}.dnsPolicy`, errs);
  if (dns && !DNS_POLICIES.includes(dns))
    errs.push(fieldError.notSupported(`${path}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...nonNegativeInt(spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  const ads = spec.activeDeadlineSeconds;
  if (
    ads !== undefined &&
    ads !== null &&
    (!Number.isInteger(ads) || (ads as number) < 1 || (ads as number) > 2147483647)
  ) {
    errs.push(
      fieldError.invalid(`${path}.activeDeadlineSeconds`, ads, "must be between 1 and 2147483647, inclusive"),
    );
  }
  return errs;
}

function validateNames(spec: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["serviceAccountName", "nodeName"]) {
    const v = stringField(spec[f], `${path}.${f}`, errs);
    if (v) errs.push(...invalidEach(`${path}.${f}`, v, dns1123SubdomainErrors(v)));
  }
  for (const f of ["hostname", "subdomain"]) {
    const v = stringField(spec[f], `${path}.${f}`, errs);
    if (v) errs.push(...invalidEach(`${path}.${f}`, v, dns1123LabelErrors(v)));
  }
  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[f] !== undefined && typeof spec[f] !== "boolean")
      errs.push(typeInvalid(`${path}.${f}`, spec[f], "a boolean"));
  }
  objectField(spec.securityContext, `${path}.securityContext`, errs);
  return errs;
}

/** Validates a whole pod spec at `path` (e.g. `spec.template.spec`). */
export function validatePodSpec(spec: unknown, path: string, opts: PodSpecOptions = {}): FieldError[] {
  if (!isObject(spec)) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const { errors: volumeErrors, names: volumeNames } = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volumeErrors);

  const containers = listField(spec.containers, `${path}.containers`, errs);
  const initContainers = listField(spec.initContainers, `${path}.initContainers`, errs);
  const regular = { items: containers, path: `${path}.containers`, init: false };
  const init = { items: initContainers, path: `${path}.initContainers`, init: true };
  const lists = [init, regular];
  if (containers.length === 0 && (spec.containers == null || Array.isArray(spec.containers))) {
    errs.push(fieldError.required(`${path}.containers`));
  }
  for (const l of lists) {
    l.items.forEach((c, i) =>
      errs.push(...validateContainer(c, `${l.path}[${i}]`, { volumeNames, init: l.init })),
    );
  }
  // Regular containers claim their names first, so a clash is reported on the init container.
  errs.push(...duplicateNames([regular, init]));
  errs.push(...hostPortErrors(lists, spec.hostNetwork === true));

  errs.push(...validatePolicies(spec, path, opts));
  errs.push(...validateNames(spec, path));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  return errs;
}
