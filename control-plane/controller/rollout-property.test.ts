// Property test of the pure rollout planner: random fleets, budgets, partitions, selectors,
// pauses, crashes and node failures, simulated pass by pass (pods start, become Ready,
// crash; nodes drop out and come back), with agents that report deleted pods gone after a
// random termination delay (or none: deleted pods go at once). At every step: no node ever
// has more than two pods, terminating ones included (one without surge); the nodes the
// rollout has taken down and that are not back yet never exceed maxUnavailable; a paused
// rollout deletes no old pod. At the end every node converges: the canary set on the new
// revision, the others on the old one, or nothing moves while paused.
// With image pre-pull, each node's agent reports the new image some steps after it is asked
// (or cannot pre-pull at all): no old pod is stopped, and no surge pod started, on a node
// that can pre-pull before it reports the image.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { DaemonSetPlan } from "./planner.js";
import { planDaemonSet } from "./planner.js";
import { newDaemonPod } from "./pod-factory.js";
import { isPodAvailable, isPodUpdated, podTargetNode } from "./pod-utils.js";
import { rolloutBudget } from "./rollout.js";
import { daemonPod, daemonSet, node } from "./test-builders.js";

const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const STEP_MS = 5_000;

interface Step {
  /** A node whose reachability flips. */
  flip: number | null;
  /** A node whose pods crash (not Ready for a while). */
  crash: number | null;
  /** Toggle the pause. */
  togglePause: boolean;
}

interface Scenario {
  nodes: number;
  canary: boolean[];
  strategy: { maxUnavailable?: number | string; maxSurge?: number | string };
  partition: number | string | undefined;
  useSelector: boolean;
  /** Steps a deleted pod takes to go (its agent reports it gone); null: it goes at once. */
  termination: number | null;
  steps: Step[];
  endPaused: boolean;
  /** rollingUpdate.prePull: per node, whether its agent pre-pulls and how many steps its pull takes. */
  prePull: { support: boolean[]; pullSteps: number[] } | null;
}

const NEW_IMAGE = "everynode/web:v2";

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 9 }).chain((n) =>
  fc.record({
    nodes: fc.constant(n),
    canary: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    strategy: fc.oneof(
      fc.record({ maxUnavailable: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ maxUnavailable: fc.constantFrom("10%", "34%", "50%") }),
      fc.record({
        maxUnavailable: fc.constant(0),
        maxSurge: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant("25%")),
      }),
    ),
    partition: fc.option(fc.oneof(fc.integer({ min: 0, max: n + 1 }), fc.constantFrom("25%", "50%")), {
      nil: undefined,
    }),
    useSelector: fc.boolean(),
    termination: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
    steps: fc.array(
      fc.record({
        flip: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: null }),
        crash: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: null }),
        togglePause: fc.boolean(),
      }),
      { maxLength: 40 },
    ),
    endPaused: fc.boolean(),
    prePull: fc.option(
      fc.record({
        support: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        pullSteps: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }),
      }),
      { nil: null },
    ),
  }),
);

class Sim {
  readonly ds: DaemonSet;
  pods: Pod[] = [];
  nodes: Node[];
  now = T0;
  private serial = 0;
  /** Per pod: the time it becomes Ready (Pending pods start after a step or two). */
  private readyAt = new Map<Pod, number>();
  /** Per terminating pod: when its agent reports it gone (on a reachable node). */
  private goneAt = new Map<Pod, number>();
  /** Nodes the rollout took an available pod from, until they have an available pod again. */
  readonly disrupted = new Set<string>();
  /** Pre-pull: when each asked node's agent reports the new image. */
  private pulledAt = new Map<string, number>();

  constructor(readonly s: Scenario) {
    this.nodes = Array.from({ length: s.nodes }, (_, i) =>
      node(`n${i}`, { labels: s.canary[i] ? { canary: "yes" } : {} }),
    );
    const ru: NonNullable<DaemonSet["spec"]["updateStrategy"]>["rollingUpdate"] = {
      ...s.strategy,
      // The deadline and auto-pause have their own tests; here the rollout must finish.
      progressDeadlineSeconds: 1_000_000,
      autoPause: { enabled: false },
    };
    if (s.partition !== undefined) ru.partition = s.partition;
    if (s.useSelector) ru.selector = { matchLabels: { canary: "yes" } };
    if (s.prePull) ru.prePull = true;
    this.ds = daemonSet({}, { updateStrategy: { type: "RollingUpdate", rollingUpdate: ru } });
    this.ds.status = {
      currentNumberScheduled: s.nodes,
      numberMisscheduled: 0,
      desiredNumberScheduled: s.nodes,
      numberReady: s.nodes,
      rollout: {
        updateRevision: 1,
        updateHash: "old",
        stableRevision: 1,
        stableHash: "old",
        updatedNodes: s.nodes,
        oldNodes: 0,
        heldBackNodes: 0,
        updatedAvailableNodes: s.nodes,
      },
    };
    this.pods = this.nodes.map((n, i) =>
      daemonPod(`old-${i}`, n.metadata.name ?? "", { hash: "old", generation: 1 }),
    );
  }

  get paused(): boolean {
    return this.ds.spec.updateStrategy?.rollingUpdate?.paused === true;
  }

  setPaused(p: boolean): void {
    const ru = this.ds.spec.updateStrategy?.rollingUpdate;
    if (ru) ru.paused = p;
  }

  reachable(name: string): boolean {
    return this.nodes.find((n) => n.metadata.name === name)?.status?.conditions?.[0]?.status === "True";
  }

  flip(i: number): void {
    const n = this.nodes[i];
    const c = n?.status?.conditions?.[0];
    if (!n || !c) return;
    c.status = c.status === "True" ? "Unknown" : "True";
    // The node lifecycle marks the pods of a node that is not Ready as not ready.
    if (c.status !== "True") for (const p of this.podsOn(n.metadata.name ?? "")) setReady(p, false, this.now);
    else for (const p of this.podsOn(n.metadata.name ?? "")) this.readyAt.set(p, this.now + STEP_MS);
  }

  crash(i: number): void {
    for (const p of this.podsOn(`n${i}`)) {
      setReady(p, false, this.now);
      this.readyAt.set(p, this.now + 2 * STEP_MS);
    }
  }

  podsOn(name: string): Pod[] {
    return this.pods.filter((p) => podTargetNode(p) === name);
  }

  plan(): DaemonSetPlan {
    return planDaemonSet({
      ds: this.ds,
      nodes: this.nodes,
      pods: this.pods,
      hash: "new",
      templateGeneration: 2,
      now: this.now,
      stable: { hash: "old", revision: 1 },
      nodeCanWait: () => this.s.termination !== null,
      prePullSupport: (name) => (this.s.prePull?.support[Number(name.slice(1))] ? "yes" : "no"),
    });
  }

  /** Whether the node's agent pre-pulls and has not reported the new image. */
  withoutImage(name: string): boolean {
    const i = Number(name.slice(1));
    if (!this.s.prePull?.support[i]) return false;
    const images = this.nodes[i]?.status?.images ?? [];
    return !images.some((x) => x.names?.includes(NEW_IMAGE));
  }

  apply(p: DaemonSetPlan): void {
    for (const [name] of p.prePull ?? []) {
      const i = Number(name.slice(1));
      if (!this.pulledAt.has(name))
        this.pulledAt.set(name, this.now + (this.s.prePull?.pullSteps[i] ?? 0) * STEP_MS);
    }
    for (const d of p.delete) {
      const name = podTargetNode(d.pod) ?? "";
      if ((d.reason === "Outdated" || d.reason === "Replaced") && isPodAvailable(d.pod, 0, this.now))
        this.disrupted.add(name);
    }
    const gone = new Set(p.delete.map((d) => d.pod));
    if (this.s.termination === null) this.pods = this.pods.filter((x) => !gone.has(x));
    else
      for (const d of p.delete) {
        // The pod turns Terminating (not Ready from now on) and goes after the delay.
        d.pod.metadata.deletionTimestamp = rfc3339(this.now);
        this.goneAt.set(d.pod, this.now + this.s.termination * STEP_MS);
      }
    for (const c of p.create) {
      const pod = c.stable
        ? newDaemonPod(this.ds, c.nodeName, "old", 1, this.now)
        : newDaemonPod(this.ds, c.nodeName, "new", 2, this.now);
      pod.metadata.name = `gen-${this.serial++}`;
      pod.metadata.uid = pod.metadata.name;
      pod.metadata.creationTimestamp = rfc3339(this.now);
      this.pods.push(pod);
      this.readyAt.set(pod, this.now + STEP_MS);
    }
    const change = p.rollout?.specChange;
    if (change?.paused !== undefined) this.setPaused(change.paused);
    this.ds.status = p.status;
  }

  /** Time passes: pods on reachable nodes whose time has come turn Ready, or go. */
  tick(): void {
    this.now += STEP_MS;
    for (const [name, at] of this.pulledAt) {
      const n = this.nodes[Number(name.slice(1))];
      if (n?.status && at <= this.now && this.reachable(name))
        n.status.images = [{ names: [NEW_IMAGE], sizeBytes: 2_000_000 }];
    }
    for (const [p, at] of [...this.goneAt]) {
      // An unreachable node's agent cannot report; its pod goes once the node is back.
      if (at <= this.now && this.reachable(podTargetNode(p) ?? "")) {
        this.pods = this.pods.filter((x) => x !== p);
        this.goneAt.delete(p);
      }
    }
    for (const p of this.pods) {
      const at = this.readyAt.get(p);
      if (p.metadata.deletionTimestamp) continue;
      if (at !== undefined && at <= this.now && this.reachable(podTargetNode(p) ?? "")) {
        setReady(p, true, this.now);
        this.readyAt.delete(p);
      }
    }
    for (const name of [...this.disrupted])
      if (this.podsOn(name).some((p) => isPodAvailable(p, 0, this.now))) this.disrupted.delete(name);
  }

  /** One controller pass with every invariant checked. */
  pass(): DaemonSetPlan {
    const pausedBefore = this.paused;
    const p = this.plan();
    const replaced = p.delete.filter((d) => d.reason === "Outdated" || d.reason === "Replaced");
    if (pausedBefore || p.rollout?.specChange?.paused === true) expect(replaced).toEqual([]);
    if (this.s.prePull) {
      // Nothing old stops, and no surge pod starts next to one, before the node has the image.
      for (const d of replaced) expect(this.withoutImage(podTargetNode(d.pod) ?? "")).toBe(false);
      for (const c of p.create)
        if (this.podsOn(c.nodeName).some((x) => !x.metadata.deletionTimestamp))
          expect(this.withoutImage(c.nodeName)).toBe(false);
      const r = p.status.rollout;
      expect((r?.prePulledNodes ?? 0) + (r?.prePullPendingNodes ?? 0)).toBeLessThanOrEqual(this.nodes.length);
    }
    this.apply(p);
    for (const n of this.nodes) expect(this.podsOn(n.metadata.name ?? "").length).toBeLessThanOrEqual(2);
    const { maxUnavailable, maxSurge } = rolloutBudget(this.ds, this.nodes.length);
    if (maxSurge === 0)
      for (const n of this.nodes) expect(this.podsOn(n.metadata.name ?? "").length).toBeLessThanOrEqual(1);
    const down = [...this.disrupted].filter(
      (name) => !this.podsOn(name).some((x) => isPodAvailable(x, 0, this.now)),
    );
    expect(down.length).toBeLessThanOrEqual(maxUnavailable);
    return p;
  }
}

function setReady(p: Pod, ready: boolean, now: number): void {
  p.status = {
    ...p.status,
    phase: "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(now) }],
    containerStatuses: [
      {
        name: "web",
        state: { running: {} },
        lastState: {},
        ready,
        restartCount: 0,
        image: "",
        imageID: "",
      },
    ],
  };
}

/** How many nodes the canary set has: selector-matching nodes, at most desired - partition. */
function expectedUpdated(s: Scenario): number {
  const matching = s.useSelector ? s.canary.filter(Boolean).length : s.nodes;
  const p = s.partition;
  const partition =
    p === undefined ? 0 : typeof p === "number" ? p : Math.ceil((Number.parseInt(p, 10) * s.nodes) / 100);
  return Math.max(0, Math.min(matching, s.nodes - Math.min(partition, s.nodes)));
}

describe("rollout planner: properties over random fleets", () => {
  it("keeps the budget, at most two pods per node, no replacement while paused, and converges", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const sim = new Sim(s);
        sim.ds.spec.template.spec.containers = [{ name: "web", image: NEW_IMAGE }];
        for (const step of s.steps) {
          if (step.flip !== null) sim.flip(step.flip);
          if (step.crash !== null) sim.crash(step.crash);
          if (step.togglePause) sim.setPaused(!sim.paused);
          sim.pass();
          sim.tick();
        }
        // The end: every node back, then either paused for good or left to finish.
        for (let i = 0; i < s.nodes; i++) if (!sim.reachable(`n${i}`)) sim.flip(i);
        sim.setPaused(s.endPaused);
        // Old pods already terminating when the pause came go all the same.
        const oldBefore = new Set(
          sim.pods
            .filter((p) => !isPodUpdated(p, "new") && !p.metadata.deletionTimestamp)
            .map((p) => p.metadata.name),
        );
        for (let i = 0; i < (6 + (s.termination ?? 0) + (s.prePull ? 4 : 0)) * s.nodes + 10; i++) {
          sim.pass();
          sim.tick();
        }
        const newNodes = s.canary
          .map((_, i) => `n${i}`)
          .filter((n) => sim.podsOn(n).some((p) => isPodUpdated(p, "new")));
        for (let i = 0; i < s.nodes; i++) {
          const pods = sim.podsOn(`n${i}`);
          // A node paused in the middle of a surge keeps both its pods.
          expect(pods.length).toBeGreaterThanOrEqual(1);
          if (!s.endPaused) expect(pods).toHaveLength(1);
          expect(pods.some((p) => isPodAvailable(p, 0, sim.now))).toBe(true);
        }
        if (s.endPaused) {
          // Nothing old was replaced once paused for good.
          for (const name of oldBefore) expect(sim.pods.some((p) => p.metadata.name === name)).toBe(true);
        } else {
          expect(newNodes.length).toBe(expectedUpdated(s));
          if (s.useSelector) for (const n of newNodes) expect(s.canary[Number(n.slice(1))]).toBe(true);
          const last = sim.plan();
          expect(last.create).toEqual([]);
          expect(last.delete).toEqual([]);
        }
      }),
      {
        numRuns: 300,
        examples: [
          [
            {
              nodes: 2,
              canary: [false, false],
              strategy: { maxUnavailable: 1 },
              partition: undefined,
              useSelector: false,
              termination: 0,
              steps: [
                { flip: null, crash: null, togglePause: false },
                { flip: 0, crash: null, togglePause: true },
                { flip: null, crash: null, togglePause: true },
              ],
              endPaused: false,
              prePull: null,
            },
          ],
          [
            {
              nodes: 3,
              canary: [false, false, false],
              strategy: { maxUnavailable: 2 },
              partition: undefined,
              useSelector: false,
              termination: 1,
              steps: [],
              endPaused: false,
              prePull: { support: [true, false, true], pullSteps: [4, 0, 1] },
            },
          ],
        ],
      },
    );
  });
});
