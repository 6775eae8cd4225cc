import { describe, expect, it } from "vitest";
import { patchSchemaFor, type PatchSchema as TodaysPatchSchema } from "../../api/patch/strategic-schema.js";
import { RESOURCES, type ResourceName } from "../kinds/resources.js";
import { REGISTRY } from "../kinds/index.js";
import { patchSchemaOf, type PatchSchema } from "./patch-rules.js";

/** Every position with a rule, as `path: rule` lines (lists' items share the list's path). */
function rules(schema: PatchSchema | TodaysPatchSchema, path = ""): string[] {
  const out: string[] = [];
  for (const [key, sub] of Object.entries(schema.fields ?? {})) {
    const p = path ? `${path}.${key}` : key;
    if (sub.mergeKey !== undefined) out.push(`${p}: mergeKey ${sub.mergeKey}`);
    if (sub.mergeSet) out.push(`${p}: set`);
    if ("retainKeys" in sub && sub.retainKeys) out.push(`${p}: retainKeys`);
    out.push(...rules(sub, p));
  }
  return out;
}

const withoutRetainKeys = (lines: string[]) => lines.filter((l) => !l.endsWith(": retainKeys"));

// An ephemeral volume's claim template carries an ObjectMeta, with its finalizers and owners.
const claimTemplateMeta = (spec: string) => [
  `${spec}.volumes.ephemeral.volumeClaimTemplate.metadata.finalizers: set`,
  `${spec}.volumes.ephemeral.volumeClaimTemplate.metadata.ownerReferences: mergeKey uid`,
];

// Lists upstream merges that the hand-written rules replace whole today.
const UPSTREAM_ONLY: Record<ResourceName, string[]> = {
  pods: [
    ...claimTemplateMeta("spec"),
    "spec.resourceClaims: mergeKey name",
    "spec.schedulingGates: mergeKey name",
    "spec.topologySpreadConstraints: mergeKey topologyKey",
    "status.containerStatuses.allocatedResourcesStatus: mergeKey name",
    "status.containerStatuses.volumeMounts: mergeKey mountPath",
    "status.ephemeralContainerStatuses.allocatedResourcesStatus: mergeKey name",
    "status.ephemeralContainerStatuses.volumeMounts: mergeKey mountPath",
    "status.initContainerStatuses.allocatedResourcesStatus: mergeKey name",
    "status.initContainerStatuses.volumeMounts: mergeKey mountPath",
    "status.resourceClaimStatuses: mergeKey name",
  ],
  daemonsets: [
    ...claimTemplateMeta("spec.template.spec"),
    "spec.template.spec.resourceClaims: mergeKey name",
    "spec.template.spec.schedulingGates: mergeKey name",
    "spec.template.spec.topologySpreadConstraints: mergeKey topologyKey",
  ],
  nodes: [],
  namespaces: [],
  events: [],
  controllerrevisions: [],
};

describe.each(Object.keys(RESOURCES) as ResourceName[])("patch rules of %s", (resource) => {
  const derived = patchSchemaOf(REGISTRY, resource);
  const today = patchSchemaFor(resource);

  it("has every rule strategic-schema.ts has, the same", () => {
    expect(rules(derived)).toEqual(expect.arrayContaining(rules(today)));
  });

  it("has only the listed rules beyond them", () => {
    const extra = withoutRetainKeys(rules(derived)).filter((l) => !rules(today).includes(l));
    expect(extra.sort()).toEqual([...UPSTREAM_ONLY[resource]].sort());
  });
});

describe("retainKeys", () => {
  it("marks the lists whose strategy is merge,retainKeys", () => {
    const lines = rules(patchSchemaOf(REGISTRY, "pods")).filter((l) => l.endsWith("retainKeys"));
    expect(lines.sort()).toEqual(
      ["spec.resourceClaims", "spec.volumes", "status.resourceClaimStatuses"].map((p) => `${p}: retainKeys`),
    );
  });
});
