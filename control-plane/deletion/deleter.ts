// The one place that deletes objects, for the API and the controllers alike, inside the
// caller's transaction: it plans each DELETE (deletion-plan.ts), marks or removes, and does
// what a removal implies (a node's pods go with it; a Terminating namespace goes once empty).
// Also the other ends of a deletion: a pod's node reporting its containers gone, an update
// clearing the last finalizer, the garbage collector releasing its finalizer.

import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { rfc3339 } from "../../shared/clock.js";
import { errors } from "../../shared/errors.js";
import { recordKilling } from "../events/killing-events.js";
import type { EventRecorder } from "../events/event-recorder.js";
import { RESOURCES, type ResourceName } from "../kube/index.js";
import type { Store, StoreWriter, WriteOptions } from "../store/store.js";
import type { DeleteOptions } from "./delete-options.js";
import { planDeletion, type DeletionPlan } from "./deletion-plan.js";
import { hasFinalizers } from "./finalizers.js";
import { NamespaceDeletion, type EmptyingStep } from "./namespace-deletion.js";

/** Which agents report a terminating pod's containers gone (the gracefulDeletion capability). */
export interface GracefulAgents {
  gracefulDeletion(nodeName: string): boolean;
}

/** No agent can: every pod goes at once (an API without agents, tests of the API alone). */
export const NO_GRACEFUL_AGENTS: GracefulAgents = { gracefulDeletion: () => false };

export interface DeleterDeps {
  /** Committed state, for the lists a deletion walks (a node's pods, a namespace's objects). */
  store: Pick<Store, "list" | "listPodsOnNode">;
  clock: Clock;
  events: EventRecorder;
  agents?: GracefulAgents;
}

export interface DeleteOutcome {
  /** True when the object left the store. */
  removed: boolean;
  /** The object as removed, or as it is stored now. */
  object: KubeObject;
}

function keyOf(object: KubeObject): { namespace: string | undefined; name: string } {
  return { namespace: object.metadata.namespace, name: object.metadata.name ?? "" };
}

/** Deletes within a transaction; see the file comment. */
export class Deleter {
  private readonly namespaces: NamespaceDeletion;

  constructor(private readonly deps: DeleterDeps) {
    this.namespaces = new NamespaceDeletion({
      store: deps.store,
      clock: deps.clock,
      deleteQuietly: (tx, resource, object) => this.delete(tx, resource, object, {}, {}, false),
    });
  }

  /** Whether a pod's node has an agent that reports its containers gone. */
  nodeCanWait(nodeName: string | undefined): boolean {
    return (
      nodeName !== undefined &&
      nodeName !== "" &&
      (this.deps.agents ?? NO_GRACEFUL_AGENTS).gracefulDeletion(nodeName)
    );
  }

  /** What a DELETE of `object` would do, without doing it (dry runs). */
  plan(resource: ResourceName, object: KubeObject, options: DeleteOptions = {}): DeletionPlan {
    if (resource === "namespaces") return this.namespaces.plan(object);
    return planDeletion({
      object,
      options,
      now: this.deps.clock.now(),
      ...(resource === "pods"
        ? { pod: { nodeCanWait: this.nodeCanWait((object as Pod).spec?.nodeName) } }
        : {}),
      ownsDependents: resource === "daemonsets",
    });
  }

  /**
   * A DELETE of the object stored under `object`'s name (read again here). `killing`: record
   * the Killing event of a pod whose termination this starts.
   */
  delete(
    tx: StoreWriter,
    resource: ResourceName,
    object: KubeObject,
    options: DeleteOptions = {},
    pre: WriteOptions = {},
    killing = true,
  ): DeleteOutcome {
    const { namespace, name } = keyOf(object);
    const stored = tx.get(resource, namespace, name);
    if (!stored) throw errors.notFound(resource, name, RESOURCES[resource].group);
    if (
      (pre.expectedUid !== undefined && pre.expectedUid !== stored.metadata.uid) ||
      (pre.expectedResourceVersion !== undefined &&
        pre.expectedResourceVersion !== stored.metadata.resourceVersion)
    ) {
      throw errors.conflict(resource, name, RESOURCES[resource].group);
    }
    if (resource === "namespaces") return this.namespaces.delete(tx, stored);
    const plan = this.plan(resource, stored, options);
    switch (plan.action) {
      case "remove":
        // A pod already terminating had its Killing event when its termination started.
        return {
          removed: true,
          object: this.remove(tx, resource, stored, killing && !stored.metadata.deletionTimestamp),
        };
      case "pending":
        return { removed: false, object: stored };
      case "update": {
        const updated = tx.update(resource, plan.object);
        if (resource === "pods" && plan.startsTermination && killing)
          recordKilling(this.deps.events, updated as Pod, tx);
        return { removed: false, object: updated };
      }
    }
  }

  /**
   * A controller's delete of a pod it read earlier: nothing when that pod is gone or already
   * terminating; otherwise as a DELETE with the pod's own grace period.
   */
  deletePod(tx: StoreWriter, pod: Pod): DeleteOutcome | undefined {
    const stored = tx.get<Pod>("pods", pod.metadata.namespace, pod.metadata.name ?? "");
    if (!stored || stored.metadata.uid !== pod.metadata.uid || stored.metadata.deletionTimestamp)
      return undefined;
    return this.delete(tx, "pods", stored);
  }

  /**
   * The pod's containers are gone from its node (its agent said so, or the node is gone):
   * it leaves the store, or waits with a grace period of 0 for its finalizers. True when removed.
   */
  podGone(tx: StoreWriter, pod: Pod): boolean {
    const stored = tx.get<Pod>("pods", pod.metadata.namespace, pod.metadata.name ?? "");
    if (!stored || stored.metadata.uid !== pod.metadata.uid) return false;
    if (!hasFinalizers(stored.metadata)) {
      this.remove(tx, "pods", stored, false);
      return true;
    }
    if (stored.metadata.deletionTimestamp && stored.metadata.deletionGracePeriodSeconds === 0) return false;
    const next: Pod = { ...stored, metadata: { ...stored.metadata } };
    next.metadata.deletionTimestamp ??= rfc3339(this.deps.clock.now());
    next.metadata.deletionGracePeriodSeconds = 0;
    tx.update("pods", next);
    return false;
  }

  /**
   * After an update of an object being deleted: it goes once nothing holds it any more (no
   * finalizers; for a pod, a grace period of 0). True when removed.
   */
  afterUpdate(tx: StoreWriter, resource: ResourceName, object: KubeObject): boolean {
    if (!object.metadata.deletionTimestamp) return false;
    if (resource === "namespaces") return this.namespaces.mayFinish(tx, object.metadata.name ?? "");
    if (hasFinalizers(object.metadata)) return false;
    if (resource === "pods" && (object.metadata.deletionGracePeriodSeconds ?? 0) > 0) return false;
    this.remove(tx, resource, object, false);
    return true;
  }

  /** Steps that delete what is left in a Terminating namespace (namespace-cleaner.ts). */
  namespaceEmptying(name: string): EmptyingStep {
    return this.namespaces.emptyingSteps(name);
  }

  /** The garbage collector is done with `finalizer`: it goes, and the object with it if it was the last. */
  releaseFinalizer(tx: StoreWriter, resource: ResourceName, object: KubeObject, finalizer: string): void {
    const { namespace, name } = keyOf(object);
    const stored = tx.get(resource, namespace, name);
    if (!stored || stored.metadata.uid !== object.metadata.uid) return;
    if (!stored.metadata.finalizers?.includes(finalizer)) return;
    const next: KubeObject = { ...stored, metadata: { ...stored.metadata } };
    const left = (stored.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (left.length > 0) next.metadata.finalizers = left;
    else delete next.metadata.finalizers;
    this.afterUpdate(tx, resource, tx.update(resource, next));
  }

  /** Removes the object and what goes with it. */
  private remove(tx: StoreWriter, resource: ResourceName, object: KubeObject, killing: boolean): KubeObject {
    const { namespace, name } = keyOf(object);
    const removed = tx.delete(resource, namespace, name, { expectedUid: object.metadata.uid });
    if (resource === "pods" && killing) recordKilling(this.deps.events, removed as Pod, tx);
    // A node's pods go with it: there is no agent left to stop them or report them gone.
    if (resource === "nodes") for (const pod of this.deps.store.listPodsOnNode(name)) this.podGone(tx, pod);
    if (RESOURCES[resource].namespaced && namespace) this.namespaces.mayFinish(tx, namespace);
    return removed;
  }
}
