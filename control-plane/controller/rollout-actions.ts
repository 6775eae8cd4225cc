// The rollout's writes besides pods: the controller's own pause or resume and the automatic
// rollback (the DaemonSet's template set back to the stable revision's, as `kubectl rollout
// undo` would), each with the generation bookkeeping an API update does.

import type { DaemonSet, PodTemplateSpec } from "../../shared/api-types.js";
import type { RolloutDecision } from "./rollout-state.js";

const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

/**
 * The stored DaemonSet with the decision's spec change applied, or undefined when there is
 * nothing to change. `stableTemplate` is the rollback's target template.
 */
export function withSpecChange(
  stored: DaemonSet,
  change: NonNullable<RolloutDecision["specChange"]>,
  stableTemplate: PodTemplateSpec | undefined,
): DaemonSet | undefined {
  const next = structuredClone(stored) as DaemonSet;
  let changed = false;
  if (change.paused !== undefined) {
    const strategy = (next.spec.updateStrategy ??= { type: "RollingUpdate" });
    const ru = (strategy.rollingUpdate ??= {});
    if ((ru.paused === true) !== change.paused) {
      ru.paused = change.paused;
      changed = true;
    }
  }
  if (change.rollbackTo && stableTemplate) {
    next.spec.template = structuredClone(stableTemplate);
    const annotations = (next.metadata.annotations ??= {});
    const gen = Number(annotations[TEMPLATE_GENERATION_ANNOTATION] ?? "1");
    annotations[TEMPLATE_GENERATION_ANNOTATION] = String((Number.isInteger(gen) ? gen : 1) + 1);
    changed = true;
  }
  if (!changed) return undefined;
  next.metadata.generation = (stored.metadata.generation ?? 1) + 1;
  return next;
}
