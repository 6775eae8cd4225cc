// Which ConfigMaps and Secrets go with a node's pod set (only those its pods refer to, so a
// Secret reaches only the nodes whose pods use it), within the node's bound; and the index
// that tells which nodes' sets a changed object touches. Pure but for the reads it is given.

import { isDeepStrictEqual } from "node:util";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import {
  CONFIG_LIMITS,
  type ConfigDelivery,
  type DeliveredObject,
  type WithheldPod,
} from "../../shared/config-delivery.js";
import type { ConfigMap, Secret } from "../../shared/config-types.js";
import { configKeysOf } from "../../shared/pod-references.js";
import type { ChangeEvent } from "../store/store.js";

export type ConfigResource = "configmaps" | "secrets";

/** Reads one object (the store's `get`). */
export type ConfigReader = (
  resource: ConfigResource,
  namespace: string,
  name: string,
) => KubeObject | undefined;

/** An index key: `configmaps/ns/name` or `secrets/ns/name`. */
const indexKey = (resource: ConfigResource, key: string): string => `${resource}/${key}`;

function delivered(resource: ConfigResource, o: KubeObject): DeliveredObject {
  const out: DeliveredObject = {
    namespace: o.metadata.namespace ?? "default",
    name: o.metadata.name ?? "",
    uid: o.metadata.uid ?? "",
    resourceVersion: o.metadata.resourceVersion ?? "",
  };
  if (resource === "configmaps") {
    const cm = o as ConfigMap;
    if (cm.data) out.data = cm.data;
    if (cm.binaryData) out.binaryData = cm.binaryData;
  } else {
    const s = o as Secret;
    if (s.data) out.data = s.data;
    if (s.type) out.type = s.type;
  }
  return out;
}

/** Oldest first, so that the same pods keep their objects when the bound is reached. */
function byAge(a: Pod, b: Pod): number {
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata.uid ?? "") < (b.metadata.uid ?? "") ? -1 : 1;
}

/**
 * The objects a node's pods refer to and that exist, and the pods left waiting because
 * theirs would pass `limits`. `referenced` holds every index key the pods name (found or
 * not), so that creating a missing object also sends the node a new set.
 */
export function configFor(
  read: ConfigReader,
  pods: readonly Pod[],
  limits: { objects: number; bytes: number } = CONFIG_LIMITS,
  /** The pre-pull's pull Secrets: after the pods' objects, as far as the bound allows. */
  pullSecrets: readonly { namespace: string; name: string }[] = [],
): { config: ConfigDelivery; referenced: Set<string> } {
  const config: ConfigDelivery = { configMaps: [], secrets: [], withheld: [] };
  const referenced = new Set<string>();
  const included = new Set<string>();
  let count = 0;
  let bytes = 0;
  for (const pod of [...pods].sort(byAge)) {
    const keys = configKeysOf(pod);
    const fresh: { key: string; resource: ConfigResource; object: DeliveredObject; size: number }[] = [];
    for (const resource of ["configmaps", "secrets"] as const) {
      for (const key of resource === "configmaps" ? keys.configMaps : keys.secrets) {
        const k = indexKey(resource, key);
        referenced.add(k);
        if (included.has(k) || fresh.some((f) => f.key === k)) continue;
        const [ns, name] = splitKey(key);
        const found = read(resource, ns, name);
        if (!found) continue;
        const object = delivered(resource, found);
        fresh.push({ key: k, resource, object, size: Buffer.byteLength(JSON.stringify(object)) });
      }
    }
    const addBytes = fresh.reduce((n, f) => n + f.size, 0);
    if (count + fresh.length > limits.objects || bytes + addBytes > limits.bytes) {
      config.withheld.push(withheldMessage(pod, count + fresh.length, bytes + addBytes, limits));
      continue;
    }
    count += fresh.length;
    bytes += addBytes;
    for (const f of fresh) {
      included.add(f.key);
      (f.resource === "configmaps" ? config.configMaps : config.secrets).push(f.object);
    }
  }
  for (const ref of pullSecrets) {
    const k = indexKey("secrets", `${ref.namespace}/${ref.name}`);
    referenced.add(k);
    const found = included.has(k) ? undefined : read("secrets", ref.namespace, ref.name);
    if (!found) continue;
    const object = delivered("secrets", found);
    const size = Buffer.byteLength(JSON.stringify(object));
    // Beyond the bound the pre-pull goes without it (and its pull says what it lacked).
    if (count + 1 > limits.objects || bytes + size > limits.bytes) continue;
    count++;
    bytes += size;
    included.add(k);
    config.secrets.push(object);
  }
  return { config, referenced };
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function withheldMessage(
  pod: Pod,
  objects: number,
  bytes: number,
  limits: { objects: number; bytes: number },
): WithheldPod {
  const mib = (n: number): string => `${Math.ceil((n / 1024 / 1024) * 10) / 10} MiB`;
  return {
    uid: pod.metadata.uid ?? "",
    message:
      `the ConfigMaps and Secrets of the pods on this node would be ${objects} objects and ` +
      `${mib(bytes)} with this pod's, over the node's bound of ${limits.objects} objects and ` +
      `${mib(limits.bytes)}: the pod waits until other pods leave the node or use fewer`,
  };
}

/** Whether a ConfigMap or Secret change alters what an agent gets (its data, or its existence). */
export function configChanged(event: Pick<ChangeEvent, "type" | "object" | "previous">): boolean {
  if (event.type !== "MODIFIED" || !event.previous) return true;
  const fields = (o: KubeObject): unknown[] => {
    const r = o as KubeObject & { data?: unknown; binaryData?: unknown; type?: unknown };
    return [r.data, r.binaryData, r.type, o.metadata.uid];
  };
  return !isDeepStrictEqual(fields(event.object), fields(event.previous));
}

/** Which nodes' sets name which objects, as last sent. */
export class ConfigReferences {
  private readonly byNode = new Map<string, Set<string>>();
  private readonly byObject = new Map<string, Set<string>>();

  /** The node's set was sent naming `keys`. */
  set(nodeName: string, keys: Set<string>): void {
    this.drop(nodeName);
    this.byNode.set(nodeName, keys);
    for (const k of keys) {
      const nodes = this.byObject.get(k) ?? new Set<string>();
      nodes.add(nodeName);
      this.byObject.set(k, nodes);
    }
  }

  drop(nodeName: string): void {
    for (const k of this.byNode.get(nodeName) ?? []) {
      const nodes = this.byObject.get(k);
      nodes?.delete(nodeName);
      if (nodes?.size === 0) this.byObject.delete(k);
    }
    this.byNode.delete(nodeName);
  }

  /** The nodes whose set names this object. */
  nodesUsing(resource: ConfigResource, object: KubeObject): string[] {
    const key = indexKey(resource, `${object.metadata.namespace ?? "default"}/${object.metadata.name ?? ""}`);
    return [...(this.byObject.get(key) ?? [])];
  }
}
