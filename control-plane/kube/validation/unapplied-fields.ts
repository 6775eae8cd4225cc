// everynode's safety net for pod specs: the fields its agent cannot apply (yet) are refused
// with a 422 naming each one, and the fields that mean nothing without a scheduler or before
// service-account tokens are mounted are accepted with a Warning header. Nothing accepted is
// dropped in silence. Each entry goes once the agent applies its field; README.md lists
// what remains ("What the API refuses, and what it only warns about").

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { isObject } from "./util.js";

/** One field a pod spec may carry, by pattern: `.` between fields, `[*]` for list items, `*` for any key. */
interface FieldRule {
  /** From the pod spec, e.g. `containers[*].lifecycle`; `@containers` stands for every container list. */
  field: string;
  /** Whether this value (at a key named `key`) is the problem; set and not null when absent. */
  when?: (value: unknown, key: string, spec: Record<string, unknown>) => boolean;
  /** Why, as the user reads it after the field's path. */
  why: string;
}

const NOT_YET = "everynode's agent does not apply this field yet";

/** The volume sources the agent mounts. */
const APPLIED_VOLUME_SOURCES = new Set([
  "name",
  "hostPath",
  "emptyDir",
  "configMap",
  "secret",
  "downwardAPI",
  "projected",
]);
/** The projected volume sources the agent writes. */
const APPLIED_PROJECTIONS = new Set(["configMap", "secret", "downwardAPI", "serviceAccountToken"]);

/** The pod security context fields the agent applies (none yet). */
const APPLIED_POD_SECURITY = new Set([
  "runAsUser",
  "runAsGroup",
  "runAsNonRoot",
  "fsGroup",
  "supplementalGroups",
  "seccompProfile",
]);
/** The container security context fields the agent applies. */
const APPLIED_CONTAINER_SECURITY = new Set([
  "privileged",
  "runAsUser",
  "runAsGroup",
  "runAsNonRoot",
  "capabilities",
  "readOnlyRootFilesystem",
  "allowPrivilegeEscalation",
  "seccompProfile",
]);
/** Resource names the agent turns into limits. */
const APPLIED_LIMITS = new Set(["cpu", "memory"]);

/** Refused at admission: the agent would not apply them. */
export const UNAPPLIED_FIELDS: readonly FieldRule[] = [
  { field: "initContainers[*].livenessProbe", why: NOT_YET },
  { field: "initContainers[*].readinessProbe", why: NOT_YET },
  { field: "initContainers[*].startupProbe", why: NOT_YET },
  { field: "ephemeralContainers", when: nonEmpty, why: "everynode has no ephemeral containers" },
  { field: "hostUsers", when: isFalse, why: "everynode does not run pods in user namespaces" },
  { field: "hostname", why: NOT_YET },
  { field: "subdomain", why: NOT_YET },
  { field: "setHostnameAsFQDN", when: isTrue, why: NOT_YET },
  {
    field: "dnsConfig",
    when: (_v, _k, spec) => spec.dnsPolicy !== "None",
    why: "everynode applies dnsConfig with dnsPolicy None only (the other policies use the node's resolv.conf)",
  },
  { field: "readinessGates", when: nonEmpty, why: "nothing in everynode sets custom pod conditions" },
  { field: "runtimeClassName", why: "everynode runs every pod with Docker's default runtime" },
  { field: "resourceClaims", when: nonEmpty, why: "everynode has no dynamic resource allocation" },
  { field: "schedulingGates", when: nonEmpty, why: "everynode has no scheduler to hold pods back" },
  { field: "os.name", when: (v) => v !== "linux", why: "everynode's agents run Linux containers" },
  { field: "affinity.podAffinity", why: "everynode places pods by node only" },
  { field: "affinity.podAntiAffinity", why: "everynode places pods by node only" },
  { field: "securityContext.*", when: (_v, k) => !APPLIED_POD_SECURITY.has(k), why: NOT_YET },
  { field: "volumes[*].*", when: (_v, k) => !APPLIED_VOLUME_SOURCES.has(k), why: volumeWhy() },
  {
    field: "volumes[*].projected.sources[*].*",
    when: (_v, k) => !APPLIED_PROJECTIONS.has(k),
    why: "everynode's agent projects configMap, secret, downwardAPI and serviceAccountToken sources only",
  },
  {
    field: "volumes[*].emptyDir.medium",
    when: (v) => v !== "" && v !== "Memory",
    why: "everynode's agents back emptyDir volumes by disk or memory, not huge pages",
  },
  { field: "@containers[*].stdin", when: isTrue, why: "everynode does not attach to containers" },
  { field: "@containers[*].stdinOnce", when: isTrue, why: "everynode does not attach to containers" },
  { field: "@containers[*].tty", when: isTrue, why: "everynode does not attach to containers" },
  { field: "@containers[*].volumeDevices", when: nonEmpty, why: "everynode has no block volumes" },
  { field: "@containers[*].volumeMounts[*].subPathExpr", why: NOT_YET },
  { field: "@containers[*].volumeMounts[*].recursiveReadOnly", when: (v) => v !== "Disabled", why: NOT_YET },
  {
    field: "@containers[*].securityContext.*",
    when: (_v, k) => !APPLIED_CONTAINER_SECURITY.has(k),
    why: NOT_YET,
  },
  { field: "@containers[*].resources.limits.*", when: (_v, k) => !APPLIED_LIMITS.has(k), why: NOT_YET },
  { field: "@containers[*].resources.requests.*", when: (_v, k) => !APPLIED_LIMITS.has(k), why: NOT_YET },
  {
    field: "@containers[*].resources.claims",
    when: nonEmpty,
    why: "everynode has no dynamic resource allocation",
  },
  {
    field: "@containers[*].resizePolicy",
    when: nonEmpty,
    why: "everynode does not resize containers in place",
  },
  { field: "@containers[*].livenessProbe.grpc", why: NOT_YET },
  { field: "@containers[*].readinessProbe.grpc", why: NOT_YET },
  { field: "@containers[*].startupProbe.grpc", why: NOT_YET },
  {
    field: "@containers[*].terminationMessagePolicy",
    when: (v) => v !== "File",
    why: "everynode does not read termination messages",
  },
  {
    field: "@containers[*].terminationMessagePath",
    when: (v) => v !== "/dev/termination-log",
    why: "everynode does not read termination messages",
  },
];

/** Accepted, with a Warning header: they mean nothing on everynode (no scheduler, no tokens yet). */
export const MEANINGLESS_FIELDS: readonly FieldRule[] = [
  {
    field: "priorityClassName",
    why: "everynode has no scheduler to preempt for; the field is kept, not used",
  },
  { field: "priority", why: "everynode has no scheduler to preempt for; the field is kept, not used" },
  {
    field: "preemptionPolicy",
    why: "everynode has no scheduler to preempt for; the field is kept, not used",
  },
  {
    field: "schedulerName",
    when: (v) => v !== "default-scheduler",
    why: "everynode places DaemonSet pods itself; the field is kept, not used",
  },
  {
    field: "topologySpreadConstraints",
    when: nonEmpty,
    why: "a DaemonSet runs one pod per node; the constraints are kept, not used",
  },
  {
    field: "@containers[*].resources.requests.memory",
    why: "memory requests only inform a scheduler, which everynode does not have; limits apply",
  },
];

function nonEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : isObject(v) && Object.keys(v).length > 0;
}

function isTrue(v: unknown): boolean {
  return v === true;
}

function isFalse(v: unknown): boolean {
  return v === false;
}

function volumeWhy(): string {
  const kinds = [...APPLIED_VOLUME_SOURCES].filter((s) => s !== "name");
  return `everynode's agent mounts ${kinds.slice(0, -1).join(", ")} and ${kinds.at(-1) ?? ""} volumes only`;
}

const CONTAINER_LISTS = ["containers", "initContainers"];

/** Every value at `pattern` under `at`, with its path from `path` and the key it sits at. */
function valuesAt(
  at: unknown,
  pattern: string[],
  path: string,
  key = "",
): { path: string; value: unknown; key: string }[] {
  if (at === undefined || at === null) return [];
  if (pattern.length === 0) return [{ path, value: at, key }];
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head === "@containers[*]") {
    return CONTAINER_LISTS.flatMap((list) => valuesAt(at, [`${list}[*]`, ...rest], path));
  }
  if (!isObject(at)) return [];
  const join = (k: string): string => (path ? `${path}.${k}` : k);
  if (head === "*") {
    // Map keys that are not field names (`nvidia.com/gpu`) read as Kubernetes writes them: `limits[nvidia.com/gpu]`.
    const keyed = (k: string): string => (/^[A-Za-z][A-Za-z0-9]*$/.test(k) ? join(k) : `${path}[${k}]`);
    return Object.keys(at).flatMap((k) => valuesAt(at[k], rest, keyed(k), k));
  }
  if (head.endsWith("[*]")) {
    const name = head.slice(0, -3);
    const list = at[name];
    if (!Array.isArray(list)) return [];
    return list.flatMap((item, i) => valuesAt(item, rest, `${join(name)}[${i}]`, name));
  }
  return valuesAt(at[head], rest, join(head), head);
}

function matches(spec: unknown, path: string, rules: readonly FieldRule[]): { path: string; why: string }[] {
  const out: { path: string; why: string }[] = [];
  for (const rule of rules) {
    for (const hit of valuesAt(spec, rule.field.split("."), path)) {
      if (!rule.when || rule.when(hit.value, hit.key, isObject(spec) ? spec : {}))
        out.push({ path: hit.path, why: rule.why });
    }
  }
  return out;
}

/** A 422 cause for each field of the pod spec at `path` that the agent would not apply. */
export function unappliedFieldErrors(spec: unknown, path: string): FieldError[] {
  return matches(spec, path, UNAPPLIED_FIELDS).map((m) => fieldError.forbidden(m.path, m.why));
}

/** A warning for each field of the pod spec at `path` that is kept but means nothing here. */
export function meaninglessFieldWarnings(spec: unknown, path: string): string[] {
  return matches(spec, path, MEANINGLESS_FIELDS).map((m) => `${m.path}: ${m.why}`);
}
