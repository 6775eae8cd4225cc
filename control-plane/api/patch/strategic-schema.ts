// Where strategic merge patch merges lists instead of replacing them: a small, path-aware
// copy of the `patchMergeKey` / `patchStrategy` tags that Kubernetes puts on its Go types,
// for the kinds everynode serves. A list without an entry here is atomic (replaced whole),
// which is what taints and tolerations need.

import type { ResourceName } from "../../kube/index.js";

/** The patch rules at one position of an object. */
export interface PatchSchema {
  /** A list of objects merged item by item, matched by this field. */
  mergeKey?: string;
  /** A list of scalars merged as a set (finalizers, podCIDRs). */
  mergeSet?: boolean;
  /** For a map: its fields. For a list: the fields of each item. */
  fields?: Record<string, PatchSchema>;
}

const byName: PatchSchema = { mergeKey: "name" };
const byType: PatchSchema = { mergeKey: "type" };

const objectMeta: PatchSchema = {
  fields: { finalizers: { mergeSet: true }, ownerReferences: { mergeKey: "uid" } },
};

const containerFields: Record<string, PatchSchema> = {
  ports: { mergeKey: "containerPort" },
  env: byName,
  volumeMounts: { mergeKey: "mountPath" },
  volumeDevices: { mergeKey: "devicePath" },
};

const podSpec: PatchSchema = {
  fields: {
    containers: { mergeKey: "name", fields: containerFields },
    initContainers: { mergeKey: "name", fields: containerFields },
    ephemeralContainers: { mergeKey: "name", fields: containerFields },
    volumes: byName,
    imagePullSecrets: byName,
    hostAliases: { mergeKey: "ip" },
  },
};

const pod: PatchSchema = {
  fields: {
    metadata: objectMeta,
    spec: podSpec,
    status: { fields: { conditions: byType, podIPs: { mergeKey: "ip" }, hostIPs: { mergeKey: "ip" } } },
  },
};

const node: PatchSchema = {
  fields: {
    metadata: objectMeta,
    spec: { fields: { podCIDRs: { mergeSet: true } } },
    status: { fields: { conditions: byType, addresses: byType } },
  },
};

const daemonSet: PatchSchema = {
  fields: {
    metadata: objectMeta,
    spec: { fields: { template: { fields: { metadata: objectMeta, spec: podSpec } } } },
    status: { fields: { conditions: byType } },
  },
};

const namespace: PatchSchema = {
  fields: { metadata: objectMeta, status: { fields: { conditions: byType } } },
};

const metadataOnly: PatchSchema = { fields: { metadata: objectMeta } };

const SCHEMAS: Record<ResourceName, PatchSchema> = {
  nodes: node,
  pods: pod,
  daemonsets: daemonSet,
  namespaces: namespace,
  events: metadataOnly,
  controllerrevisions: metadataOnly,
};

/** The patch rules for a whole object of this resource. */
export function patchSchemaFor(resource: ResourceName): PatchSchema {
  return SCHEMAS[resource];
}
