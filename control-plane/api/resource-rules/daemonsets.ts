// DaemonSets: defaults then validation, generation 1 on create and +1 on any spec change,
// the template generation annotation Kubernetes keeps, and a zero status on create (the
// controller fills it in).

import { isDeepStrictEqual } from "node:util";
import type { DaemonSet, KubeObject } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import { applyDaemonSetDefaults, REGISTRY, validateDaemonSet } from "../../kube/index.js";
import type { ResourceRule } from "./rule.js";

/** The annotation apps/v1 exposes the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

function emptyStatus(): NonNullable<DaemonSet["status"]> {
  return { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

function setTemplateGeneration(ds: DaemonSet, value: number): void {
  ds.metadata.annotations = {
    ...(ds.metadata.annotations ?? {}),
    [TEMPLATE_GENERATION_ANNOTATION]: String(value),
  };
}

function templateGeneration(ds: DaemonSet): number {
  const n = Number(ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? "0");
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function check(ds: DaemonSet, old?: DaemonSet): DaemonSet {
  const problems = validateDaemonSet(ds, old);
  if (problems.length > 0) throw errors.invalid("DaemonSet", "apps", ds.metadata.name ?? "", problems);
  return ds;
}

/** The next generation numbers for an update: pure, for the table tests. */
export function nextGenerations(
  next: DaemonSet,
  old: DaemonSet,
): { generation: number; templateGeneration: number } {
  const oldGeneration = old.metadata.generation ?? 1;
  const oldTemplate = templateGeneration(old) || 1;
  return {
    generation: isDeepStrictEqual(next.spec, old.spec) ? oldGeneration : oldGeneration + 1,
    templateGeneration: isDeepStrictEqual(next.spec?.template, old.spec?.template)
      ? oldTemplate
      : oldTemplate + 1,
  };
}

const daemonSetWarnings = REGISTRY.byResource("daemonsets")?.hooks.warnings;

export const daemonSetRule: ResourceRule = {
  ...(daemonSetWarnings ? { warnings: daemonSetWarnings } : {}),
  prepareCreate(object: KubeObject): KubeObject {
    const ds = applyDaemonSetDefaults(object as DaemonSet);
    ds.metadata.generation = 1;
    setTemplateGeneration(ds, Math.max(1, templateGeneration(ds)));
    ds.status = emptyStatus();
    return check(ds);
  },
  prepareUpdate(next: KubeObject, old: KubeObject): KubeObject {
    const ds = applyDaemonSetDefaults(next as DaemonSet);
    const gens = nextGenerations(ds, old as DaemonSet);
    ds.metadata.generation = gens.generation;
    setTemplateGeneration(ds, gens.templateGeneration);
    return check(ds, old as DaemonSet);
  },
};
