// A container's variables that come from ConfigMaps and Secrets (`envFrom`, and env
// `configMapKeyRef` / `secretKeyRef`), as the kubelet makes them: a required object or key
// that is missing stops the container with the kubelet's words; an optional one is left
// out; envFrom keys that are no variable names are skipped and told. Pure.

import type { ConfigMapKeySelector, Container, Pod } from "../../shared/api-types.js";
import type { DeliveredObject } from "../../shared/config-delivery.js";
import { runtimeError } from "../runtime/container-runtime.js";

/** Where the objects are found (the set's ConfigSet). */
export interface ConfigLookup {
  configMap(namespace: string, name: string): DeliveredObject | undefined;
  secret(namespace: string, name: string): DeliveredObject | undefined;
}

type Kind = "ConfigMap" | "Secret";

/** Kubernetes' grammar of variable names (IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function find(
  lookup: ConfigLookup,
  kind: Kind,
  namespace: string,
  name: string,
): DeliveredObject | undefined {
  return kind === "ConfigMap" ? lookup.configMap(namespace, name) : lookup.secret(namespace, name);
}

/** The object's values as text: a Secret's are base64 on the wire; a ConfigMap's `data` only, as the kubelet reads. */
function valuesOf(kind: Kind, o: DeliveredObject): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o.data ?? {}))
    out.set(k, kind === "Secret" ? Buffer.from(v, "base64").toString("utf8") : v);
  return out;
}

/** The kubelet's message for a missing object: the API's NotFound (`configmap "x" not found`). */
function notFound(kind: Kind, name: string): Error {
  return runtimeError(`${kind.toLowerCase()} "${name}" not found`, false);
}

/**
 * The value of a configMapKeyRef or secretKeyRef; undefined when optional and missing.
 * Throws the kubelet's message when required and missing.
 */
export function keyRefValue(
  lookup: ConfigLookup,
  namespace: string,
  kind: Kind,
  ref: ConfigMapKeySelector,
): string | undefined {
  const o = find(lookup, kind, namespace, ref.name);
  if (!o) {
    if (ref.optional === true) return undefined;
    throw notFound(kind, ref.name);
  }
  const value = valuesOf(kind, o).get(ref.key);
  if (value === undefined && ref.optional !== true)
    throw runtimeError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name}`, false);
  return value;
}

/** envFrom keys left out because they are no variable names, per source, in the kubelet's words. */
export interface SkippedKeys {
  message: string;
}

/**
 * The variables of a container's `envFrom`, in order (a later source wins), and the keys
 * skipped. Throws the kubelet's message for a required source that is missing.
 */
export function envFromVars(
  lookup: ConfigLookup,
  namespace: string,
  container: Container,
): { vars: Map<string, string>; skipped: SkippedKeys[] } {
  const vars = new Map<string, string>();
  const skipped: SkippedKeys[] = [];
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const kind: Kind = source.configMapRef ? "ConfigMap" : "Secret";
    const o = find(lookup, kind, namespace, ref.name);
    if (!o) {
      if (ref.optional === true) continue;
      throw notFound(kind, ref.name);
    }
    const invalid: string[] = [];
    for (const [key, value] of valuesOf(kind, o)) {
      const name = (source.prefix ?? "") + key;
      if (!ENV_NAME.test(name)) invalid.push(name);
      else vars.set(name, value);
    }
    if (invalid.length > 0) {
      const what = kind === "ConfigMap" ? "configMap" : "secret";
      skipped.push({
        message:
          `Keys [${invalid.sort().join(", ")}] from the EnvFrom ${what} ${namespace}/${ref.name} ` +
          "were skipped since they are considered invalid environment variable names.",
      });
    }
  }
  return { vars, skipped };
}

/** The pod's skipped envFrom keys as `<container>: <message>` lines, for its status. */
export function envNotices(lookup: ConfigLookup, pod: Pod): string[] {
  const out: string[] = [];
  const namespace = pod.metadata.namespace ?? "default";
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    if (!c.envFrom?.length) continue;
    try {
      for (const s of envFromVars(lookup, namespace, c).skipped) out.push(`${c.name}: ${s.message}`);
    } catch {
      // A missing source is the container's waiting reason, not a notice.
    }
  }
  return out;
}
