// A container's environment as the kubelet builds it: `envFrom` first, then literal values,
// the downward API's fieldRef values and ConfigMap / Secret keys (env-sources.ts), and
// $(VAR) expansion in values, command and args. Pure.

import type { Container, Pod } from "../../shared/api-types.js";
import { parseQuantity } from "../../shared/quantity.js";
import { apiServiceEnv, type ApiEndpoint } from "./api-endpoint.js";
import { envFromVars, keyRefValue, type ConfigLookup } from "./env-sources.js";

export interface PodFacts {
  nodeName: string;
  hostIP: string;
  podIP: string;
  /** The node's capacity: what a resourceFieldRef to an unset limit reads, as on a kubelet. */
  allocatable?: { cpu: number; memory: number };
  /** The ConfigMaps and Secrets of the set; without it, none exists. */
  config?: ConfigLookup;
  /** A projected serviceAccountToken source's token, once fetched (pod-tokens.ts). */
  serviceAccountToken?: (source: { audience?: string; expirationSeconds?: number }) => string | undefined;
  /** Where the pod reaches the API: the kubelet's `kubernetes` Service variables come first. */
  apiEndpoint?: ApiEndpoint;
}

const NO_CONFIG: ConfigLookup = { configMap: () => undefined, secret: () => undefined };

interface ResourceFieldRef {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

/**
 * The value of a resourceFieldRef: the quantity divided by the divisor (default 1), rounded
 * up; an unset limit reads the node's capacity, an unset request 0 (cpu and memory).
 */
export function resourceFieldValue(
  pod: Pod,
  container: Container,
  ref: ResourceFieldRef,
  facts: PodFacts,
): string {
  const target = ref.containerName
    ? (pod.spec.containers.find((c) => c.name === ref.containerName) ?? container)
    : container;
  const [kind, name = ""] = ref.resource.split(".") as [string, string];
  const set = (kind === "limits" ? target.resources?.limits : target.resources?.requests)?.[name];
  const requestDefault = kind === "requests" ? target.resources?.limits?.[name] : undefined;
  let value: number;
  if (set !== undefined) value = parseQuantity(set);
  else if (requestDefault !== undefined) value = parseQuantity(requestDefault);
  else if (kind === "limits")
    value = name === "cpu" ? (facts.allocatable?.cpu ?? 0) : (facts.allocatable?.memory ?? 0);
  else value = 0;
  const divisor = parseQuantity(ref.divisor ?? 1) || 1;
  return String(Math.ceil(value / divisor - 1e-9));
}

/** The value of a downward API field path, or undefined for one everynode does not know. */
export function fieldRefValue(pod: Pod, fieldPath: string, facts: PodFacts): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) {
    const map = m[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[m[2] as string] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "default";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.nodeName":
      return pod.spec.nodeName ?? facts.nodeName;
    case "spec.serviceAccountName":
      return typeof pod.spec.serviceAccountName === "string" ? pod.spec.serviceAccountName : "default";
    case "status.hostIP":
      return facts.hostIP;
    case "status.podIP":
      return facts.podIP;
    default:
      return undefined;
  }
}

/**
 * Expands $(NAME) from `vars`; `$$` stands for a literal `$`, and a reference to an
 * unknown name is left as written (Kubernetes' rules).
 */
export function expandVars(text: string, vars: Map<string, string>): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== "$" || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = text.indexOf(")", i + 2);
      if (close === -1) {
        out += text.slice(i);
        break;
      }
      const name = text.slice(i + 2, close);
      const value = vars.get(name);
      out += value ?? text.slice(i, close + 1);
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

export interface ResolvedProcess {
  /** NAME=value, in the spec's order. */
  env: string[];
  command?: string[];
  args?: string[];
}

/**
 * The container's env, command and args with references resolved and $(VAR) expanded. A
 * variable set twice keeps its first place and its last value. Throws the kubelet's message
 * when a required ConfigMap, Secret or key is missing.
 */
export function resolveProcess(pod: Pod, container: Container, facts: PodFacts): ResolvedProcess {
  const config = facts.config ?? NO_CONFIG;
  const namespace = pod.metadata.namespace ?? "default";
  // The Service variables first, as the kubelet does: the pod's own values win.
  const vars = new Map([
    ...(facts.apiEndpoint ? apiServiceEnv(facts.apiEndpoint) : []),
    ...envFromVars(config, namespace, container).vars,
  ]);
  for (const e of container.env ?? []) {
    let value: string | undefined;
    const from = e.valueFrom;
    const resourceRef = from?.resourceFieldRef as ResourceFieldRef | undefined;
    if (from?.fieldRef) value = fieldRefValue(pod, from.fieldRef.fieldPath, facts) ?? "";
    else if (resourceRef) value = resourceFieldValue(pod, container, resourceRef, facts);
    else if (from?.configMapKeyRef) value = keyRefValue(config, namespace, "ConfigMap", from.configMapKeyRef);
    else if (from?.secretKeyRef) value = keyRefValue(config, namespace, "Secret", from.secretKeyRef);
    else value = expandVars(e.value ?? "", vars);
    // An optional reference to what is missing sets nothing.
    if (value !== undefined) vars.set(e.name, value);
  }
  const env = [...vars].map(([name, value]) => `${name}=${value}`);
  const out: ResolvedProcess = { env };
  if (container.command) out.command = container.command.map((c) => expandVars(c, vars));
  if (container.args) out.args = container.args.map((a) => expandVars(a, vars));
  return out;
}
