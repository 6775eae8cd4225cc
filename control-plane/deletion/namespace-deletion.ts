// Deleting a namespace, as Kubernetes' namespace controller does it: everything in it is
// deleted (pods gracefully, each as a DELETE would), and the namespace goes with it when
// nothing is left; otherwise it stays Terminating (new content refused) and goes with the
// last of its objects, once its finalizers are cleared. Events do not hold a namespace:
// those left are removed with it. A DELETE deletes up to INLINE_DELETES objects in its own
// transaction (a small namespace goes at once); the namespace cleaner deletes the rest of a
// larger one in slices, so that no request holds the server for long.

import type { KubeObject, Namespace } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { rfc3339 } from "../../shared/clock.js";
import { RESOURCES, type ResourceName } from "../kube/index.js";
import type { Store, StoreWriter } from "../store/store.js";
import type { DeletionPlan } from "./deletion-plan.js";
import { hasFinalizers } from "./finalizers.js";

/**
 * Every namespaced stored kind: what a namespace holds. DaemonSets first, so that none
 * makes a pod while the rest is being deleted.
 */
export const NAMESPACE_CONTENTS: readonly ResourceName[] = Object.values(RESOURCES)
  .filter((r) => r.namespaced)
  .map((r) => r.resource)
  .sort((a, b) => Number(b === "daemonsets") - Number(a === "daemonsets"));

/** The objects a DELETE of a namespace deletes itself; the cleaner deletes the rest. */
export const INLINE_DELETES = 256;

/**
 * One step of emptying a namespace: deletes in `tx` while `more()` says so; true once every
 * object in it is being deleted (and the namespace went, if nothing held it).
 */
export type EmptyingStep = (tx: StoreWriter, more: () => boolean) => boolean;

export interface NamespaceDeletionDeps {
  store: Pick<Store, "list">;
  clock: Clock;
  /** A DELETE of one object in the namespace, without Killing events. */
  deleteQuietly(tx: StoreWriter, resource: ResourceName, object: KubeObject): unknown;
}

export class NamespaceDeletion {
  /** The namespace a step is emptying: it is judged once, at the step's end, not after each object. */
  private emptying: string | undefined;

  constructor(private readonly deps: NamespaceDeletionDeps) {}

  /** The namespace as a DELETE marks it: deletionTimestamp now and phase Terminating. */
  marked(ns: KubeObject): Namespace {
    const next = structuredClone(ns) as Namespace;
    next.metadata.deletionTimestamp ??= rfc3339(this.deps.clock.now());
    next.metadata.deletionGracePeriodSeconds ??= 0;
    next.status = { ...(next.status ?? {}), phase: "Terminating" };
    return next;
  }

  plan(ns: KubeObject): DeletionPlan {
    if (ns.metadata.deletionTimestamp) return { action: "pending" };
    return { action: "update", object: this.marked(ns), startsTermination: true };
  }

  /** DELETE of a namespace (`stored` as in `tx`). */
  delete(tx: StoreWriter, stored: KubeObject): { removed: boolean; object: KubeObject } {
    const name = stored.metadata.name ?? "";
    if (stored.metadata.deletionTimestamp) {
      const removed = this.mayFinish(tx, name);
      return { removed, object: stored };
    }
    let n = 0;
    const all = this.emptyingSteps(name, false)(tx, () => ++n < INLINE_DELETES);
    const marked = this.marked(stored);
    if (all && !this.hasContent(tx, name) && !hasFinalizers(stored.metadata)) {
      this.removeNow(tx, name);
      return { removed: true, object: marked };
    }
    return { removed: false, object: tx.update("namespaces", marked) };
  }

  /**
   * Deletes the objects of namespace `name` not yet being deleted, a step at a time (each
   * step in its caller's transaction), walking its contents once; `finish`: at the end,
   * the namespace goes if nothing holds it.
   */
  emptyingSteps(name: string, finish = true): EmptyingStep {
    const contents = this.contents(name);
    return (tx, more) => {
      this.emptying = name;
      try {
        for (let next = contents.next(); !next.done; next = contents.next()) {
          const [resource, item] = next.value;
          const current = tx.get(resource, name, item.metadata.name ?? "");
          if (current && !current.metadata.deletionTimestamp) this.deps.deleteQuietly(tx, resource, current);
          if (!more()) return false;
        }
      } finally {
        this.emptying = undefined;
      }
      if (finish) this.mayFinish(tx, name);
      return true;
    };
  }

  /** The namespace's objects, each kind listed when the walk comes to it. */
  private *contents(name: string): Generator<[ResourceName, KubeObject]> {
    for (const resource of NAMESPACE_CONTENTS)
      for (const item of this.deps.store.list(resource, name)) yield [resource, item];
  }

  /** A Terminating namespace with nothing left in it and no finalizers goes. True when it went. */
  mayFinish(tx: StoreWriter, name: string): boolean {
    if (name === this.emptying) return false;
    const ns = tx.get("namespaces", undefined, name);
    if (!ns?.metadata.deletionTimestamp || hasFinalizers(ns.metadata) || this.hasContent(tx, name))
      return false;
    this.removeNow(tx, name);
    return true;
  }

  private hasContent(tx: StoreWriter, ns: string): boolean {
    return NAMESPACE_CONTENTS.some(
      (resource) =>
        resource !== "events" &&
        this.deps.store
          .list(resource, ns)
          .some((o) => tx.get(resource, ns, o.metadata.name ?? "") !== undefined),
    );
  }

  private removeNow(tx: StoreWriter, name: string): void {
    for (const e of this.deps.store.list("events", name)) {
      if (tx.get("events", name, e.metadata.name ?? "")) tx.delete("events", name, e.metadata.name ?? "");
    }
    tx.delete("namespaces", undefined, name);
  }
}
