// How long the DaemonSet planner holds the event loop between two of its steps at 10,000
// nodes: the controller plans in steps (planDaemonSetSteps) inside its share of a 20 ms turn
// (control-plane/slices.ts), so the longest step is how long the API can wait behind
// planning. Three plans: a new DaemonSet (every node gets a pod), the steady state (every
// node runs its pod) and an update of every node at once (maxUnavailable 100%).
// Reports to bench/results/plan-steps.json.

import type { DaemonSet, Node, Pod } from "../shared/api-types.js";
import { planDaemonSetSteps } from "../control-plane/controller/planner.js";
import { daemonPod, daemonSet, node } from "../control-plane/controller/test-builders.js";
import { deepFreeze } from "../control-plane/store/deep-freeze.js";

export interface PlanStepsCase {
  name: string;
  steps: number;
  /** The whole plan, all its steps. */
  totalMs: number;
  /** The longest step: how long the event loop waits behind planning at most. */
  longestStepMs: number;
}

export interface PlanStepsBenchResult {
  nodes: number;
  cases: PlanStepsCase[];
  goalMs: number;
  /** goal ÷ the longest step of any case: above 1 meets the goal. */
  goalRatio: number;
}

/** The longest step must leave most of a 20 ms turn to the rest. */
const GOAL_MS = 10;

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** One plan's steps timed; the best of `runs` (the machine's noise only adds). */
function timeSteps(name: string, plan: () => Generator<void, unknown>, runs: number): PlanStepsCase {
  let best: PlanStepsCase | undefined;
  for (let r = 0; r < runs; r++) {
    const steps = plan();
    let count = 0;
    let longest = 0;
    const started = performance.now();
    for (;;) {
      const t = performance.now();
      const next = steps.next();
      longest = Math.max(longest, performance.now() - t);
      count++;
      if (next.done) break;
    }
    const total = performance.now() - started;
    if (!best || longest < best.longestStepMs)
      best = { name, steps: count, totalMs: round(total), longestStepMs: round(longest) };
  }
  return best as PlanStepsCase;
}

export function runPlanStepsBench(nodeCount = 10_000, runs = 5): PlanStepsBenchResult {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);
  const nodes: Node[] = [];
  for (let i = 0; i < nodeCount; i++) nodes.push(node(`node-${String(i).padStart(5, "0")}`));
  const pods: Pod[] = nodes.map((n, i) => daemonPod(`web-${i}`, n.metadata.name ?? "", { hash: "h1" }));
  deepFreeze(nodes);
  deepFreeze(pods);
  const ds: DaemonSet = deepFreeze(
    daemonSet({}, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%" } } }),
  );
  const input = { ds, nodes, now, templateGeneration: 1 };
  const cases = [
    timeSteps("create", () => planDaemonSetSteps({ ...input, pods: [], hash: "h1" }), runs),
    timeSteps("steady", () => planDaemonSetSteps({ ...input, pods, hash: "h1" }), runs),
    timeSteps(
      "update",
      () => planDaemonSetSteps({ ...input, pods, hash: "h2", templateGeneration: 2 }),
      runs,
    ),
  ];
  const longest = Math.max(...cases.map((c) => c.longestStepMs));
  return { nodes: nodeCount, cases, goalMs: GOAL_MS, goalRatio: round(GOAL_MS / longest) };
}
