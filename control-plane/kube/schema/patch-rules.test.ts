import { describe, expect, it } from "vitest";
import { REGISTRY } from "../kinds/index.js";
import { RESOURCES, type ResourceName } from "../kinds/resources.js";
import { patchSchemaOf, type PatchSchema } from "./patch-rules.js";

/** Every position with a rule, as `path: rule` lines (lists' items share the list's path). */
function rules(schema: PatchSchema, path = ""): string[] {
  const out: string[] = [];
  for (const [key, sub] of Object.entries(schema.fields ?? {})) {
    const p = path ? `${path}.${key}` : key;
    if (sub.mergeKey !== undefined) out.push(`${p}: mergeKey ${sub.mergeKey}`);
    if (sub.mergeSet) out.push(`${p}: set`);
    if (sub.retainKeys) out.push(`${p}: retainKeys`);
    out.push(...rules(sub, p));
  }
  return out;
}

const objectMeta = (at: string) => [`${at}.finalizers: set`, `${at}.ownerReferences: mergeKey uid`];
const containers = (at: string) => [
  `${at}: mergeKey name`,
  `${at}.env: mergeKey name`,
  `${at}.ports: mergeKey containerPort`,
  `${at}.volumeDevices: mergeKey devicePath`,
  `${at}.volumeMounts: mergeKey mountPath`,
];
const podSpec = (at: string) => [
  ...containers(`${at}.containers`),
  ...containers(`${at}.ephemeralContainers`),
  `${at}.hostAliases: mergeKey ip`,
  `${at}.imagePullSecrets: mergeKey name`,
  ...containers(`${at}.initContainers`),
  `${at}.resourceClaims: mergeKey name`,
  `${at}.resourceClaims: retainKeys`,
  `${at}.schedulingGates: mergeKey name`,
  `${at}.topologySpreadConstraints: mergeKey topologyKey`,
  `${at}.volumes: mergeKey name`,
  `${at}.volumes: retainKeys`,
  // An ephemeral volume's claim template carries an ObjectMeta, with its finalizers and owners.
  ...objectMeta(`${at}.volumes.ephemeral.volumeClaimTemplate.metadata`),
];
const statuses = (at: string) => [
  `${at}.allocatedResourcesStatus: mergeKey name`,
  `${at}.volumeMounts: mergeKey mountPath`,
];

// Upstream's rules (the Go types' patchMergeKey / patchStrategy tags, as the OpenAPI
// extensions carry them). Taints, tolerations and the like have none: replaced whole.
const EXPECTED: Record<ResourceName, string[]> = {
  nodes: [
    ...objectMeta("metadata"),
    "spec.podCIDRs: set",
    "status.addresses: mergeKey type",
    "status.conditions: mergeKey type",
  ],
  pods: [
    ...objectMeta("metadata"),
    ...podSpec("spec"),
    "status.conditions: mergeKey type",
    ...statuses("status.containerStatuses"),
    ...statuses("status.ephemeralContainerStatuses"),
    "status.hostIPs: mergeKey ip",
    ...statuses("status.initContainerStatuses"),
    "status.podIPs: mergeKey ip",
    "status.resourceClaimStatuses: mergeKey name",
    "status.resourceClaimStatuses: retainKeys",
  ],
  namespaces: [...objectMeta("metadata"), "status.conditions: mergeKey type"],
  events: objectMeta("metadata"),
  daemonsets: [
    ...objectMeta("metadata"),
    ...objectMeta("spec.template.metadata"),
    ...podSpec("spec.template.spec"),
    "status.conditions: mergeKey type",
  ],
  controllerrevisions: objectMeta("metadata"),
  configmaps: objectMeta("metadata"),
  secrets: objectMeta("metadata"),
  serviceaccounts: [...objectMeta("metadata"), "secrets: mergeKey name"],
  roles: objectMeta("metadata"),
  clusterroles: objectMeta("metadata"),
  rolebindings: objectMeta("metadata"),
  clusterrolebindings: objectMeta("metadata"),
};

describe.each(Object.keys(RESOURCES) as ResourceName[])("patch rules of %s", (resource) => {
  it("are upstream's", () => {
    expect(rules(patchSchemaOf(REGISTRY, resource))).toEqual(EXPECTED[resource]);
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
