// Every stored object, in memory: reads never touch SQLite. Per resource, a map keyed by
// "namespace/name" plus a lazily sorted array for lists; for pods, the two indexes the
// controllers need (pods by node, pods by controlling owner). Objects are frozen; the cache
// only ever hands out the objects it holds, never copies.

import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { ResourceName } from "../kube/index.js";

/** The key of an object within its resource. */
export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function namespaceOf(o: KubeObject): string {
  return o.metadata.namespace ?? "";
}

/** Namespace first, then name: the order of every list. */
function compareObjects(a: KubeObject, b: KubeObject): number {
  const an = namespaceOf(a);
  const bn = namespaceOf(b);
  if (an !== bn) return an < bn ? -1 : 1;
  const am = a.metadata.name ?? "";
  const bm = b.metadata.name ?? "";
  return am < bm ? -1 : am > bm ? 1 : 0;
}

/** The uid of the ownerReference with controller=true, if any. */
export function controllerUidOf(o: KubeObject): string | undefined {
  const refs = o.metadata.ownerReferences;
  if (!refs) return undefined;
  for (const ref of refs) if (ref.controller === true) return ref.uid;
  return undefined;
}

function nodeNameOf(o: KubeObject): string | undefined {
  const name = (o as Pod).spec?.nodeName;
  return typeof name === "string" && name !== "" ? name : undefined;
}

/** Past this many single inserts or removals between two lists, one sort is cheaper. */
const MAX_SPLICES = 64;

class ResourceTable {
  readonly byKey = new Map<string, KubeObject>();
  /** All objects in list order; undefined when too much changed since the last list. */
  private sorted: KubeObject[] | undefined;
  private splices = 0;

  put(key: string, object: KubeObject, replaced: boolean): void {
    this.byKey.set(key, object);
    const sorted = this.sorted;
    if (!sorted) return;
    const at = this.indexOf(sorted, object);
    // Replacing keeps the order (same namespace and name); an add shifts the rest.
    if (replaced && at < sorted.length) sorted[at] = object;
    else if (this.splices++ < MAX_SPLICES) sorted.splice(at, 0, object);
    else this.sorted = undefined;
  }

  remove(key: string, previous: KubeObject): void {
    this.byKey.delete(key);
    const sorted = this.sorted;
    if (!sorted) return;
    if (this.splices++ < MAX_SPLICES) sorted.splice(this.indexOf(sorted, previous), 1);
    else this.sorted = undefined;
  }

  list(namespace: string | undefined): KubeObject[] {
    const sorted = this.sortedObjects();
    if (namespace === undefined) return sorted.slice();
    // Sorted by namespace first: one namespace is one contiguous run.
    const from = this.namespaceBound(sorted, namespace, false);
    const to = this.namespaceBound(sorted, namespace, true);
    return sorted.slice(from, to);
  }

  private sortedObjects(): KubeObject[] {
    this.splices = 0;
    if (!this.sorted) this.sorted = Array.from(this.byKey.values()).sort(compareObjects);
    return this.sorted;
  }

  /** Where `object` is, or would go, in `sorted`. */
  private indexOf(sorted: KubeObject[], object: KubeObject): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareObjects(sorted[mid] as KubeObject, object) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose namespace is >= `namespace` (or > it, when `after`). */
  private namespaceBound(sorted: KubeObject[], namespace: string, after: boolean): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ns = namespaceOf(sorted[mid] as KubeObject);
      if (ns < namespace || (after && ns === namespace)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function addTo(index: Map<string, Map<string, Pod>>, value: string | undefined, key: string, pod: Pod): void {
  if (value === undefined) return;
  let members = index.get(value);
  if (!members) index.set(value, (members = new Map()));
  members.set(key, pod);
}

function removeFrom(index: Map<string, Map<string, Pod>>, value: string | undefined, key: string): void {
  if (value === undefined) return;
  const members = index.get(value);
  if (!members) return;
  members.delete(key);
  if (members.size === 0) index.delete(value);
}

function sortedMembers(members: Map<string, Pod> | undefined): Pod[] {
  return members ? Array.from(members.values()).sort(compareObjects) : [];
}

/** The in-memory copy of the store's objects, with the pod indexes. */
export class ObjectCache {
  private readonly tables = new Map<ResourceName, ResourceTable>();
  private readonly podsByNode = new Map<string, Map<string, Pod>>();
  /**
   * Pods per controlling owner, kept in list order as a table of their own: a pass reads a
   * DaemonSet's pods often, and a status write replaces one in place rather than re-sorting
   * thousands.
   */
  private readonly podsByOwner = new Map<string, ResourceTable>();

  get(resource: ResourceName, key: string): KubeObject | undefined {
    return this.tables.get(resource)?.byKey.get(key);
  }

  /** Adds or replaces an object, keeping the indexes in step. */
  put(resource: ResourceName, key: string, object: KubeObject): void {
    const table = this.table(resource);
    const previous = table.byKey.get(key);
    if (resource === "pods") {
      const owner = controllerUidOf(object);
      const sameOwner = previous !== undefined && controllerUidOf(previous) === owner;
      if (previous) this.unindexPod(key, previous, !sameOwner);
      addTo(this.podsByNode, nodeNameOf(object), key, object as Pod);
      if (owner !== undefined) {
        let owned = this.podsByOwner.get(owner);
        if (!owned) this.podsByOwner.set(owner, (owned = new ResourceTable()));
        owned.put(key, object, sameOwner);
      }
    }
    table.put(key, object, previous !== undefined);
  }

  remove(resource: ResourceName, key: string): void {
    const table = this.tables.get(resource);
    const previous = table?.byKey.get(key);
    if (!table || !previous) return;
    if (resource === "pods") this.unindexPod(key, previous, true);
    table.remove(key, previous);
  }

  /** Objects of a resource (optionally of one namespace), by namespace then name. */
  list(resource: ResourceName, namespace?: string): KubeObject[] {
    return this.tables.get(resource)?.list(namespace) ?? [];
  }

  /** Objects of a resource in the order they were first stored. */
  scan(resource: ResourceName): KubeObject[] {
    const table = this.tables.get(resource);
    return table ? Array.from(table.byKey.values()) : [];
  }

  count(resource: ResourceName): number {
    return this.tables.get(resource)?.byKey.size ?? 0;
  }

  podsOnNode(nodeName: string): Pod[] {
    return sortedMembers(this.podsByNode.get(nodeName));
  }

  podsOwnedBy(ownerUid: string): Pod[] {
    return (this.podsByOwner.get(ownerUid)?.list(undefined) ?? []) as Pod[];
  }

  /** Takes a pod out of the node index, and out of its owner's table when `fromOwner`. */
  private unindexPod(key: string, pod: KubeObject, fromOwner: boolean): void {
    removeFrom(this.podsByNode, nodeNameOf(pod), key);
    const owner = controllerUidOf(pod);
    if (!fromOwner || owner === undefined) return;
    const owned = this.podsByOwner.get(owner);
    if (!owned) return;
    owned.remove(key, pod);
    if (owned.byKey.size === 0) this.podsByOwner.delete(owner);
  }

  private table(resource: ResourceName): ResourceTable {
    let table = this.tables.get(resource);
    if (!table) this.tables.set(resource, (table = new ResourceTable()));
    return table;
  }
}
