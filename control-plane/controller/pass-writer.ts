// One pass of the DaemonSet controller, its writing half: the plan (daemonset-pass.ts)
// written in slices with its events; a created pod's SuccessfulCreate event comes after all
// the pass's pods. Pods are deleted through the deleter: gracefully where the node's agent
// reports them gone.

import type { DaemonSet, ObjectReference } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";
import type { Deleter } from "../deletion/deleter.js";
import { EventRecorder } from "../events/event-recorder.js";
import type { Store, StoreWriter } from "../store/store.js";
import { daemonSetOwnerUid, type DaemonSetWork, type PassPlan } from "./daemonset-pass.js";
import type { FailedPodBackoff } from "./failed-pod-backoff.js";
import { applyAdoption, applyFinalizing } from "./garbage-collector.js";
import { newDaemonPod } from "./pod-factory.js";
import { withAccountPullSecrets } from "./pull-secrets.js";
import { podTargetNode } from "./pod-utils.js";
import { withSpecChange } from "./rollout-actions.js";

const SOURCE = { component: "daemonset-controller" };

export interface PassCounts {
  created: number;
  deleted: number;
  statuses: number;
  /** Planned creates left out because the store changed under the plan (a later pass decides). */
  skipped: number;
}

/** One write of a pass: a pod created or deleted with its events, a status, a revision. */
type Step = (tx: StoreWriter) => void;

/** A DaemonSet's pod events of one reason, waiting to be recorded. */
interface LaterEvents {
  ref: ObjectReference;
  reason: "SuccessfulCreate" | "SuccessfulDelete";
  messages: string[];
}

/** Pod events recorded per step (a step's time is not checked within it). */
const EVENTS_PER_STEP = 128;

/**
 * Writes a planned pass in slices, each its own transaction (so the agents hear of the
 * first pods while later ones are still being written, and the API is answered between
 * slices). A slice may come after other writes, so each create checks first that the plan
 * still holds: the DaemonSet unchanged (same uid and generation, not being deleted) and no
 * pod of it on the node that the plan did not see. So a node never gets two pods of one
 * DaemonSet, whatever happens between slices; what a slice leaves out, the next pass plans.
 */
export class PassWriter {
  readonly counts: PassCounts = { created: 0, deleted: 0, statuses: 0, skipped: 0 };
  private readonly steps: Step[] = [];
  private next = 0;
  /** Per DaemonSet uid and node: the uids of its pods there when the pass was planned. */
  private readonly planned = new Map<string, Map<string, Set<string>>>();
  /** Failed pods deleted in the slice being written: their back-off advances after its commit. */
  private readonly backoffs: { ds: DaemonSet; node: string }[] = [];

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly pass: PassPlan,
    private readonly backoff: FailedPodBackoff,
    private readonly now: number,
    private readonly deleter: Deleter,
  ) {
    this.plan();
  }

  get done(): boolean {
    return this.next >= this.steps.length;
  }

  /**
   * Writes the next steps in one transaction until `budgetMs` has passed (all of them by
   * default); true when the whole pass is written. A throw ends the writer (its transaction
   * is rolled back; the caller plans afresh).
   */
  writeSlice(budgetMs = Infinity): boolean {
    const deadline = performance.now() + budgetMs;
    try {
      this.store.transaction((tx) => {
        while (this.next < this.steps.length) {
          (this.steps[this.next++] as Step)(tx);
          if ((this.next & 15) === 0 && performance.now() >= deadline) break;
        }
      });
    } catch (e) {
      this.next = this.steps.length;
      this.backoffs.length = 0;
      throw e;
    }
    // The failed-pod back-off advances only for deletions that were committed.
    for (const f of this.backoffs.splice(0))
      this.backoff.next(f.ds.metadata.uid ?? "", f.ds.metadata.generation, f.node, this.now);
    return this.done;
  }

  private plan(): void {
    const { pass, deleter, counts } = this;
    for (const pod of pass.orphanPods)
      this.steps.push((tx) => {
        if (deleter.deletePod(tx, pod)) counts.deleted++;
      });
    for (const f of pass.finalizing) {
      if (f.mode === "foreground") {
        for (const pod of f.pods)
          this.steps.push((tx) => {
            if (deleter.deletePod(tx, pod)) counts.deleted++;
          });
        this.steps.push((tx) => void applyFinalizing(tx, deleter, { ...f, pods: [] }));
      } else this.steps.push((tx) => void applyFinalizing(tx, deleter, f));
    }
    for (const a of pass.adopt) this.steps.push((tx) => applyAdoption(tx, a));
    for (const r of pass.orphanRevisions)
      this.steps.push((tx) => {
        if (tx.get("controllerrevisions", r.metadata.namespace, r.metadata.name ?? "")) {
          tx.delete("controllerrevisions", r.metadata.namespace, r.metadata.name ?? "");
        }
      });
    for (const w of pass.work) this.planWork(w);
  }

  private planWork(w: DaemonSetWork): void {
    const { events, deleter, counts, now } = this;
    const ref = EventRecorder.referenceTo(w.ds, "DaemonSet", "apps/v1");
    const createdEvents: LaterEvents = { ref, reason: "SuccessfulCreate", messages: [] };
    const deletedEvents: LaterEvents = { ref, reason: "SuccessfulDelete", messages: [] };
    this.steps.push((tx) => {
      if (w.revisions.create) tx.create("controllerrevisions", w.revisions.create);
      if (w.revisions.renumber) tx.update("controllerrevisions", w.revisions.renumber);
      for (const r of w.revisions.delete)
        tx.delete("controllerrevisions", r.metadata.namespace, r.metadata.name ?? "");
    });
    for (const d of w.plan.delete) {
      this.steps.push((tx) => {
        const name = d.pod.metadata.name ?? "";
        const where = `${d.pod.metadata.namespace}/${name} on node ${podTargetNode(d.pod)}`;
        if (d.reason === "Failed") {
          events.record(
            ref,
            "Warning",
            "FailedDaemonPod",
            `Found failed daemon pod ${where}, will try to kill it`,
            SOURCE,
            tx,
          );
        } else if (d.reason === "Succeeded") {
          events.record(
            ref,
            "Normal",
            "SucceededDaemonPod",
            `Found succeeded daemon pod ${where}, will try to delete it`,
            SOURCE,
            tx,
          );
        }
        if (d.reason === "Failed") this.backoffDue(w.ds, podTargetNode(d.pod) ?? "");
        if (!deleter.deletePod(tx, d.pod)) return;
        this.eventLater(deletedEvents, `Deleted pod: ${name}`);
        counts.deleted++;
      });
    }
    for (const c of w.plan.create) {
      this.steps.push((tx) => {
        if (!this.stillPlanned(tx, w, c.nodeName)) {
          counts.skipped++;
          return;
        }
        const stable = c.stable ? w.stable : undefined;
        const pod = tx.create(
          "pods",
          withAccountPullSecrets(
            stable
              ? newDaemonPod(w.ds, c.nodeName, stable.hash, stable.revision, now, stable.template)
              : newDaemonPod(w.ds, c.nodeName, w.revisions.hash, w.revisions.revision, now),
            (ns, name) => tx.get<ServiceAccount>("serviceaccounts", ns, name),
          ),
        );
        counts.created++;
        this.eventLater(createdEvents, `Created pod: ${pod.metadata.name ?? ""}`);
      });
    }
    this.steps.push((tx) => {
      for (const e of w.plan.rollout?.events ?? [])
        events.record(ref, e.type, e.reason, e.message, SOURCE, tx);
      const change = w.plan.rollout?.specChange;
      if (!w.statusChanged && !change) return;
      const stored = tx.get<DaemonSet>("daemonsets", w.ds.metadata.namespace, w.ds.metadata.name ?? "");
      if (!stored || stored.metadata.uid !== w.ds.metadata.uid) return;
      // The spec change only if nobody changed the spec since this pass read it.
      const sameSpec = stored.metadata.generation === w.ds.metadata.generation;
      const next =
        (change && sameSpec && withSpecChange(stored, change, w.stable?.template)) || structuredClone(stored);
      next.status = w.plan.status;
      tx.update("daemonsets", next);
      counts.statuses++;
    });
  }

  /**
   * Records a pod's SuccessfulCreate or SuccessfulDelete after every pod of the pass (the
   * nodes wait for pods, not for events), a batch at a time: past the first similar ones
   * they fold into one combined event, written once per batch instead of once per pod.
   */
  private eventLater(later: LaterEvents, message: string): void {
    if (later.messages.push(message) > 1) return;
    const step: Step = (tx) => {
      const batch = later.messages.splice(0, EVENTS_PER_STEP);
      this.events.recordAll(later.ref, "Normal", later.reason, batch, SOURCE, tx);
      if (later.messages.length > 0) this.steps.push(step);
    };
    this.steps.push(step);
  }

  private backoffDue(ds: DaemonSet, node: string): void {
    this.backoffs.push({ ds, node });
  }

  /** Whether creating `w`'s pod on `nodeName` is still what the plan meant (see the class comment). */
  private stillPlanned(tx: StoreWriter, w: DaemonSetWork, nodeName: string): boolean {
    const uid = w.ds.metadata.uid ?? "";
    const stored = tx.get<DaemonSet>("daemonsets", w.ds.metadata.namespace, w.ds.metadata.name ?? "");
    if (
      stored?.metadata.uid !== uid ||
      stored.metadata.generation !== w.ds.metadata.generation ||
      stored.metadata.deletionTimestamp
    ) {
      return false;
    }
    let byNode = this.planned.get(uid);
    if (!byNode) {
      byNode = new Map();
      for (const p of w.pods) {
        const node = podTargetNode(p) ?? "";
        const set = byNode.get(node) ?? new Set<string>();
        set.add(p.metadata.uid ?? "");
        byNode.set(node, set);
      }
      this.planned.set(uid, byNode);
    }
    const seen = byNode.get(nodeName);
    return this.store
      .listPodsOnNode(nodeName)
      .every((p) => daemonSetOwnerUid(p) !== uid || (seen?.has(p.metadata.uid ?? "") ?? false));
  }
}

/** Writes the pass in one transaction; afterwards advances the failed-pod back-off. */
export function applyPass(
  store: Store,
  events: EventRecorder,
  pass: PassPlan,
  backoff: FailedPodBackoff,
  now: number,
  deleter: Deleter,
): PassCounts {
  const writer = new PassWriter(store, events, pass, backoff, now, deleter);
  writer.writeSlice();
  return writer.counts;
}
