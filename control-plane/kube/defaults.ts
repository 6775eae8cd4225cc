// The defaults a Kubernetes apiserver fills in before validating and storing an object, so
// that `kubectl get ds -o yaml` shows what it shows against a real cluster. Each function
// returns a defaulted deep copy and leaves what the client set alone.

import type { DaemonSet, Namespace, Node } from "../../shared/api-types.js";
import { isLabelValue } from "./validation/names.js";

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `o[key]` as an object, created when absent (a wrong type is left for validation to report). */
function child(o: Obj, key: string): Obj | undefined {
  if (o[key] === undefined || o[key] === null) o[key] = {};
  const v = o[key];
  return isObject(v) ? v : undefined;
}

function setIfEmpty(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === "") o[key] = value;
}

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** Always for `:latest` or no tag, IfNotPresent for any other tag or a digest. */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  if (image.includes("@")) return "IfNotPresent";
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  const tag = colon === -1 ? "" : lastPart.slice(colon + 1);
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultHandler(handler: Obj): void {
  const http = handler.httpGet;
  if (isObject(http)) {
    setIfEmpty(http, "path", "/");
    setIfEmpty(http, "scheme", "HTTP");
  }
}

function defaultProbe(probe: Obj): void {
  defaultHandler(probe);
  // Zero counts as unset, as in Kubernetes (its fields are plain integers).
  for (const [key, value] of [
    ["timeoutSeconds", 1],
    ["periodSeconds", 10],
    ["successThreshold", 1],
    ["failureThreshold", 3],
  ] as const) {
    if (probe[key] === undefined || probe[key] === null || probe[key] === 0) probe[key] = value;
  }
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  if (typeof c.image === "string") setIfEmpty(c, "imagePullPolicy", defaultPullPolicy(c.image));
  setIfEmpty(c, "terminationMessagePath", "/dev/termination-log");
  setIfEmpty(c, "terminationMessagePolicy", "File");
  if (c.resources === undefined || c.resources === null) c.resources = {};
  for (const port of objects(c.ports)) {
    setIfEmpty(port, "protocol", "TCP");
    if (hostNetwork && (port.hostPort === undefined || port.hostPort === null || port.hostPort === 0)) {
      port.hostPort = port.containerPort;
    }
  }
  for (const env of objects(c.env)) {
    const from = env.valueFrom;
    if (isObject(from) && isObject(from.fieldRef)) setIfEmpty(from.fieldRef, "apiVersion", "v1");
  }
  for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"]) {
    const probe = c[kind];
    if (isObject(probe)) defaultProbe(probe);
  }
  if (isObject(c.lifecycle)) {
    for (const hook of [c.lifecycle.postStart, c.lifecycle.preStop]) if (isObject(hook)) defaultHandler(hook);
  }
}

// Kubernetes' default file mode for secret, configMap, downwardAPI and projected volumes (0644).
const DEFAULT_MODE = 0o644;

function defaultVolume(v: Obj): void {
  if (isObject(v.hostPath)) setIfEmpty(v.hostPath, "type", "");
  for (const source of ["secret", "configMap", "downwardAPI", "projected"]) {
    const s = v[source];
    if (isObject(s)) setIfEmpty(s, "defaultMode", DEFAULT_MODE);
  }
  const sources = Object.keys(v).filter((k) => k !== "name");
  // A volume with no source is an emptyDir.
  if (sources.length === 0) v.emptyDir = {};
}

/** The PodSpec defaults (what SetDefaults_PodSpec and SetDefaults_Container fill in). */
export function applyPodSpecDefaults(spec: Obj): void {
  setIfEmpty(spec, "restartPolicy", "Always");
  setIfEmpty(spec, "terminationGracePeriodSeconds", 30);
  setIfEmpty(spec, "dnsPolicy", "ClusterFirst");
  setIfEmpty(spec, "schedulerName", "default-scheduler");
  if (spec.securityContext === undefined || spec.securityContext === null) spec.securityContext = {};
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...objects(spec.initContainers), ...objects(spec.containers)])
    defaultContainer(c, hostNetwork);
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

/** A DaemonSet with apps/v1's defaults: update strategy, history limit and the pod template's. */
export function applyDaemonSetDefaults(ds: DaemonSet): DaemonSet {
  const out = structuredClone(ds);
  const spec = child(out as unknown as Obj, "spec");
  if (!spec) return out;
  const strategy = child(spec, "updateStrategy");
  if (strategy) {
    setIfEmpty(strategy, "type", "RollingUpdate");
    if (strategy.type === "RollingUpdate") {
      const ru = child(strategy, "rollingUpdate");
      if (ru) {
        setIfEmpty(ru, "maxUnavailable", 1);
        setIfEmpty(ru, "maxSurge", 0);
      }
    }
  }
  setIfEmpty(spec, "revisionHistoryLimit", 10);
  const template = child(spec, "template");
  const podSpec = template ? child(template, "spec") : undefined;
  if (podSpec) applyPodSpecDefaults(podSpec);
  return out;
}

/** A Node with its defaults: an empty spec, and allocatable equal to capacity when not reported. */
export function applyNodeDefaults(node: Node): Node {
  const out = structuredClone(node);
  child(out as unknown as Obj, "spec");
  const status = out.status;
  if (isObject(status) && isObject(status.capacity) && status.allocatable === undefined) {
    status.allocatable = { ...status.capacity };
  }
  return out;
}

/** A Namespace with the `kubernetes` finalizer, phase Active and the kubernetes.io/metadata.name label. */
export function applyNamespaceDefaults(ns: Namespace): Namespace {
  const out = structuredClone(ns);
  const o = out as unknown as Obj;
  const spec = child(o, "spec");
  if (spec && !Array.isArray(spec.finalizers)) spec.finalizers = ["kubernetes"];
  const status = child(o, "status");
  if (status) setIfEmpty(status, "phase", "Active");
  const meta = child(o, "metadata");
  const labels = meta ? child(meta, "labels") : undefined;
  // A name that is no label value is refused by validation anyway; one cause for it is enough.
  if (labels && typeof meta?.name === "string" && meta.name && isLabelValue(meta.name)) {
    labels["kubernetes.io/metadata.name"] = meta.name;
  }
  return out;
}
