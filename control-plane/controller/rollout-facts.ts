// What the rollout's state decider needs to know about this pass: counts per node over the
// pods as they are (after the manage step, before any replacement), the canary set, and
// the first failing pod of the update revision. Pure.

import type { DaemonSet, Pod } from "../../shared/api-types.js";
import { autoPauseSettings, findRolloutFailure } from "./rollout-failures.js";
import type { Steps } from "./plan-types.js";
import { STEP_ITEMS } from "./plan-types.js";
import type { RolloutFacts } from "./rollout-state.js";
import { rolloutBudget, rolloutTargets } from "./rollout.js";
import { isPodAvailable, isPodUpdated } from "./pod-utils.js";

export interface FactsInput {
  ds: DaemonSet;
  hash: string;
  revision: number;
  stable?: { hash: string; revision: number };
  now: number;
  desiredNodes: readonly string[];
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  unreachable: ReadonlySet<string>;
  nodeLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export function* rolloutFacts(input: FactsInput): Steps<{ facts: RolloutFacts; recheckAt?: number }> {
  const { ds, hash, now } = input;
  const minReady = ds.spec.minReadySeconds ?? 0;
  const updated = (p: Pod): boolean => isPodUpdated(p, hash, input.revision);
  const podsOf = (n: string): readonly Pod[] => input.podsByNode.get(n) ?? [];
  const done = (n: string): boolean => {
    const pods = podsOf(n);
    const only = pods[0];
    return pods.length === 1 && only !== undefined && updated(only) && isPodAvailable(only, minReady, now);
  };
  const targets = rolloutTargets(ds, input.desiredNodes, (n) => podsOf(n).some(updated), input.nodeLabels);
  const reachable = (n: string): boolean => !input.unreachable.has(n);

  let updatedCount = 0;
  let updatedAvailable = 0;
  let oldNodes = 0;
  let available = 0;
  let complete = true;
  const newPods: Pod[] = [];
  let walked = 0;
  for (const n of input.desiredNodes) {
    if (++walked % STEP_ITEMS === 0) yield;
    const pods = podsOf(n);
    if (complete && reachable(n) && !done(n)) complete = false;
    if (pods.some(updated)) updatedCount++;
    if (pods.some((p) => updated(p) && isPodAvailable(p, minReady, now))) updatedAvailable++;
    if (pods.some((p) => !updated(p))) oldNodes++;
    if (pods.some((p) => isPodAvailable(p, minReady, now))) available++;
    if (reachable(n)) for (const p of pods) if (updated(p)) newPods.push(p);
  }
  const reachableTargets = targets.filter(reachable);
  const heldBack = input.desiredNodes.length - targets.length;
  const settings = autoPauseSettings(ds);
  // Auto-pause only matters while old pods remain to be replaced.
  const found = settings.enabled && oldNodes > 0 ? findRolloutFailure(newPods, settings, now) : {};
  const facts: RolloutFacts = {
    hash,
    revision: input.revision,
    desired: input.desiredNodes.length,
    updated: updatedCount,
    updatedAvailable,
    oldNodes,
    heldBack,
    unavailable: input.desiredNodes.length - available,
    maxUnavailable: rolloutBudget(ds, input.desiredNodes.length).maxUnavailable,
    complete,
    waitingForPartition: !complete && heldBack > 0 && reachableTargets.every(done),
    autoPause: settings.enabled,
  };
  if (input.stable) facts.stable = input.stable;
  if (found.failure) facts.failure = found.failure;
  return found.recheckAt === undefined ? { facts } : { facts, recheckAt: found.recheckAt };
}
