// The node lifecycle controller: agents' heartbeats (kept in memory, written rarely) become
// the node's Ready condition; a periodic sweep (in slices of ~5 ms between the control
// plane's other work) turns silent nodes Unknown; the Ready condition and cordons become
// the not-ready / unreachable / unschedulable taints; pods on a node that is not Ready are
// marked not ready.
//
// RegisteredNode is recorded for nodes created after this controller started (compared by
// creationTimestamp), so a control-plane restart does not announce every node again.
// Nodes present at start get a fresh startup grace period: a restart is not a node failure.

import type { Node, NodeCondition, Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { isEverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { EventRecorder } from "../events/event-recorder.js";
import { SliceScheduler, stepUntil, type SliceTask } from "../slices.js";
import type { Store, StoreWriter } from "../store/store.js";
import type { NodeLiveness } from "./node-liveness.js";
import {
  desiredTaints,
  editableNode,
  podMarkedNotReady,
  readyCondition,
  setNodeCondition,
} from "./node-conditions.js";

export interface NodeLifecycleDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  /** Silence after a heartbeat before the node turns Unknown (asked at each sweep); default 40 s. */
  gracePeriodMs?: () => number;
  /** Silence allowed for a node never heard from (since first seen); default 60 s. */
  startupGracePeriodMs?: number;
  /** How often the sweep runs; default 5 s. */
  monitorPeriodMs?: number;
  /** How often lastHeartbeatTime is written while nothing else changes; default 5 min. */
  heartbeatWriteIntervalMs?: number;
  /** The turns its timer's sweeps share with the control plane's other sliced work. */
  slices?: SliceScheduler;
}

/** How long one slice of a timer's sweep may hold the event loop (a whole one took 25–55 ms at 10,000 nodes). */
const SWEEP_SLICE_MS = 5;
/** Nodes looked at between two looks at the time. */
const SWEEP_STEP_NODES = 128;

const SOURCE = { component: "node-controller" };
const PRESSURE = ["MemoryPressure", "DiskPressure", "PIDPressure"];

/** What the lifecycle reads of a node, worked out once per stored version of it. */
interface NodeFacts {
  /** The Ready condition's status, when it has one. */
  ready: NodeCondition["status"] | undefined;
  /** When the Ready=True condition's heartbeat was written (NaN when unreadable); null when not Ready=True. */
  heartbeatWritten: number | null;
  /** Whether it carries the taints its condition and cordon call for. */
  taintsSettled: boolean;
}

/**
 * Stored objects are frozen and a write makes a new one, so facts kept per object stay
 * true. Every agent's heartbeat and every sweep over the fleet ask: finding and parsing
 * the conditions and taints each time was most of their cost at 10,000 nodes.
 */
const factsCache = new WeakMap<Node, NodeFacts>();

function factsOf(node: Node): NodeFacts {
  let facts = factsCache.get(node);
  if (!facts) {
    const ready = readyCondition(node);
    facts = {
      ready: ready?.status,
      heartbeatWritten: ready?.status === "True" ? Date.parse(ready.lastHeartbeatTime ?? "") : null,
      // The time only stamps taints it would add; whether it would is all that is asked.
      taintsSettled: desiredTaints(node, 0) === undefined,
    };
    factsCache.set(node, facts);
  }
  return facts;
}

/** Turns heartbeats into node conditions and taints; see the file comment. */
export class NodeLifecycle implements NodeLiveness {
  private readonly heartbeats = new Map<string, number>();
  private readonly firstSeen = new Map<string, number>();
  private readonly log: Logger;
  private startedAt = 0;
  private stopTimer: (() => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  private pendingChanges = new Set<string>();
  private immediate: NodeJS.Immediate | undefined;
  /** The timer's sweep in progress, a step per SWEEP_STEP_NODES nodes. */
  private sweeping: Generator<void, void> | undefined;
  private readonly sweepTask: SliceTask;

  constructor(private readonly deps: NodeLifecycleDeps) {
    this.log = deps.logger.child({ component: "node-lifecycle" });
    const slices = deps.slices ?? new SliceScheduler(SWEEP_SLICE_MS, () => {});
    this.sweepTask = slices.add("node lifecycle sweep", SWEEP_SLICE_MS, (deadline) =>
      this.sweepSlice(deadline),
    );
  }

  private get gracePeriodMs(): number {
    return this.deps.gracePeriodMs?.() ?? 40_000;
  }
  private get startupGracePeriodMs(): number {
    return this.deps.startupGracePeriodMs ?? 60_000;
  }

  /** Gives every known node a fresh grace period, then sweeps periodically and on node changes. */
  start(): void {
    const now = this.deps.clock.now();
    this.startedAt = now;
    for (const node of this.deps.store.list<Node>("nodes")) this.firstSeen.set(node.metadata.name ?? "", now);
    this.unsubscribe = this.deps.store.onChange((events) => {
      for (const e of events)
        if (e.resource === "nodes") this.pendingChanges.add(e.object.metadata.name ?? "");
      // Listeners must not write synchronously: handle the changed nodes right after.
      if (this.pendingChanges.size > 0 && !this.immediate)
        this.immediate = setImmediate(() => this.onNodeChanges());
    });
    this.stopTimer = this.deps.clock.every(this.deps.monitorPeriodMs ?? 5_000, () => {
      // A sweep still running (a slow turn) is not started again.
      if (this.sweeping) return;
      this.sweeping = this.sweepSteps();
      this.sweepTask.wake();
    });
  }

  stop(): void {
    this.stopTimer?.();
    this.unsubscribe?.();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.sweepTask.cancel();
    this.sweeping = undefined;
    this.stopTimer = this.unsubscribe = undefined;
  }

  /** When the node's agent was last heard from (this process's memory), if it was. */
  lastHeartbeat(nodeName: string): number | undefined {
    return this.heartbeats.get(nodeName);
  }

  /** The node's agent is alive: Ready=True when it was not, else a rare heartbeat write. */
  heartbeat(nodeName: string): void {
    const now = this.deps.clock.now();
    this.heartbeats.set(nodeName, now);
    const node = this.deps.store.get<Node>("nodes", undefined, nodeName);
    if (!node) return;
    this.seen(node, now);
    const last = factsOf(node).heartbeatWritten;
    if (last !== null) {
      if (!Number.isNaN(last) && now - last < (this.deps.heartbeatWriteIntervalMs ?? 300_000)) return;
      const ready = readyCondition(node);
      this.writeNode(nodeName, (n) =>
        setNodeCondition(
          n,
          "Ready",
          {
            status: "True",
            reason: ready?.reason ?? "KubeletReady",
            message: ready?.message ?? "",
            heartbeat: now,
          },
          now,
        ),
      );
      return;
    }
    this.writeNode(nodeName, (n, tx) => this.becomeReady(n, tx, now));
  }

  /**
   * The node's agent connected: `node` (as the session is about to write it in `tx`) as a
   * Ready copy, or undefined when it is Ready already; so that a connecting agent's report
   * and its node's Ready condition are one write.
   */
  connected(node: Node, tx: StoreWriter): Node | undefined {
    // The session's heartbeat() right after records the agent as heard.
    if (readyCondition(node)?.status === "True") return undefined;
    const next = editableNode(node);
    this.becomeReady(next, tx, this.deps.clock.now());
    return next;
  }

  /** Ready=True, the not-ready taints gone, and a NodeReady event. */
  private becomeReady(n: Node, tx: StoreWriter, now: number): true {
    setNodeCondition(
      n,
      "Ready",
      {
        status: "True",
        reason: "KubeletReady",
        message: "kubelet is posting ready status",
        heartbeat: now,
      },
      now,
    );
    this.applyTaints(n, now);
    this.event(tx, n, "NodeReady", `Node ${n.metadata.name ?? ""} status is now: NodeReady`);
    this.log.info("node ready", { node: n.metadata.name });
    return true;
  }

  /** The agent stopped cleanly: Ready=False now, not-ready taints, pods not ready. */
  markNotReady(nodeName: string, reason: string, message: string): void {
    const now = this.deps.clock.now();
    this.writeNode(nodeName, (n, tx) => {
      const was = readyCondition(n)?.status;
      let changed = setNodeCondition(n, "Ready", { status: "False", reason, message }, now);
      changed = this.applyTaints(n, now) || changed;
      if (was !== "False") this.event(tx, n, "NodeNotReady", `Node ${nodeName} status is now: NodeNotReady`);
      this.markPodsNotReady(tx, nodeName, now);
      return changed;
    });
    this.log.info("node not ready", { node: nodeName, reason });
  }

  /** One monitor pass, whole: registration events, silent nodes → Unknown, taints, pods of unready nodes. */
  sweep(): void {
    for (const _ of this.sweepSteps());
  }

  /** The timer's sweep until `deadline` (one step at least); true while nodes are left. */
  private sweepSlice(deadline: number): boolean {
    const steps = this.sweeping;
    if (!steps) return false;
    // A sweep that threw is over (as its generator is); the next timer starts a new one.
    let more = false;
    this.guard(() => (more = !stepUntil(steps, deadline).done));
    if (!more) this.sweeping = undefined;
    return more;
  }

  /** The sweep over every node, yielding every SWEEP_STEP_NODES nodes (each node is read as listed). */
  private *sweepSteps(): Generator<void, void> {
    const now = this.deps.clock.now();
    const grace = this.gracePeriodMs;
    let i = 0;
    for (const node of this.deps.store.list<Node>("nodes")) {
      this.sweepNode(node, now, grace);
      if (++i % SWEEP_STEP_NODES === 0) yield;
    }
  }

  private sweepNode(node: Node, now: number, gracePeriodMs: number): void {
    const name = node.metadata.name ?? "";
    this.seen(node, now);
    const heard = this.heartbeats.get(name);
    const since = heard ?? this.firstSeen.get(name) ?? now;
    const grace = heard !== undefined ? gracePeriodMs : this.startupGracePeriodMs;
    const { ready, taintsSettled } = factsOf(node);
    const silent = now - since > grace && ready !== "Unknown";
    const podsToMark = ready !== undefined && ready !== "True" && this.podsNeedMarking(name, now);
    if (!silent && !podsToMark && taintsSettled) return;
    this.writeNode(name, (n, tx) => {
      let changed = false;
      if (silent) {
        changed = this.markUnknown(n, now) || changed;
        this.event(tx, n, "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
        this.log.warn("node stopped posting status", { node: name, silentMs: now - since });
      }
      changed = this.applyTaints(n, now) || changed;
      if (readyCondition(n)?.status !== "True" && readyCondition(n) !== undefined)
        this.markPodsNotReady(tx, name, now);
      return changed;
    });
  }

  private onNodeChanges(): void {
    this.immediate = undefined;
    const names = [...this.pendingChanges];
    this.pendingChanges.clear();
    const now = this.deps.clock.now();
    this.guard(() => {
      const present: Node[] = [];
      for (const name of names) {
        const node = this.deps.store.get<Node>("nodes", undefined, name);
        if (node) present.push(node);
        else {
          this.firstSeen.delete(name);
          this.heartbeats.delete(name);
        }
      }
      // A burst of registrations makes one commit of RegisteredNode events, not one each.
      this.deps.store.transaction((tx) => {
        for (const node of present) this.seen(node, now, tx);
      });
      for (const node of present) {
        if (!factsOf(node).taintsSettled)
          this.writeNode(node.metadata.name ?? "", (n) => this.applyTaints(n, now));
      }
    });
  }

  /** First sight of a node: RegisteredNode when it was created after this controller started. */
  private seen(node: Node, now: number, tx?: StoreWriter): void {
    const name = node.metadata.name ?? "";
    if (this.firstSeen.has(name)) return;
    this.firstSeen.set(name, now);
    const created = Date.parse(node.metadata.creationTimestamp ?? "");
    // creationTimestamp has whole seconds: compare against the start's second.
    if (Number.isNaN(created) || created < Math.floor(this.startedAt / 1000) * 1000) return;
    this.deps.events.record(
      EventRecorder.referenceTo(node, "Node", "v1"),
      "Normal",
      "RegisteredNode",
      `Node ${name} event: Registered Node ${name} in Controller`,
      SOURCE,
      tx,
    );
  }

  private markUnknown(n: Node, now: number): boolean {
    const ready = readyCondition(n);
    const never = !ready || !ready.lastHeartbeatTime;
    const message = never ? "Kubelet never posted node status." : "Kubelet stopped posting node status.";
    let changed = setNodeCondition(
      n,
      "Ready",
      { status: "Unknown", reason: "NodeStatusUnknown", message },
      now,
    );
    for (const type of PRESSURE) {
      if (n.status?.conditions?.some((c) => c.type === type)) {
        changed =
          setNodeCondition(n, type, { status: "Unknown", reason: "NodeStatusUnknown", message }, now) ||
          changed;
      }
    }
    return changed;
  }

  private applyTaints(n: Node, now: number): boolean {
    const taints = desiredTaints(n, now);
    if (!taints) return false;
    n.spec.taints = taints;
    return true;
  }

  private podsNeedMarking(nodeName: string, now: number): boolean {
    return this.deps.store.listPodsOnNode(nodeName).some((p) => podMarkedNotReady(p, now) !== undefined);
  }

  private markPodsNotReady(tx: StoreWriter, nodeName: string, now: number): void {
    for (const pod of this.deps.store.listPodsOnNode(nodeName)) {
      const stored = tx.get<Pod>("pods", pod.metadata.namespace, pod.metadata.name ?? "");
      const next = stored && podMarkedNotReady(stored, now);
      if (next) tx.update("pods", next);
    }
  }

  private event(tx: StoreWriter, node: Node, reason: string, message: string): void {
    this.deps.events.record(
      EventRecorder.referenceTo(node, "Node", "v1"),
      "Normal",
      reason,
      message,
      SOURCE,
      tx,
    );
  }

  /**
   * Copies the stored node (editableNode), lets `change` edit it (and write related objects with tx), and
   * writes it when `change` says it changed; one retry on a 409 Conflict.
   */
  private writeNode(name: string, change: (node: Node, tx: StoreWriter) => boolean): void {
    for (let attempt = 0; ; attempt++) {
      try {
        this.deps.store.transaction((tx) => {
          const stored = tx.get<Node>("nodes", undefined, name);
          if (!stored) return;
          const next = editableNode(stored);
          if (change(next, tx)) tx.update("nodes", next);
        });
        return;
      } catch (e) {
        if (attempt === 0 && isEverynodeError(e) && e.code === "Conflict") continue;
        throw e;
      }
    }
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error("node lifecycle pass failed", { error: e });
    }
  }
}
