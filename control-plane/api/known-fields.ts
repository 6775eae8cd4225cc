// The fields Kubernetes' schemas know, for `fieldValidation=Strict`: any other field in a
// client's body is reported by its dotted path, the way the apiserver's strict decoder
// reports it. Map fields (labels, annotations, nodeSelector, resource lists) take any key.

import type { ResourceName } from "../kube/index.js";
import {
  CONTAINER,
  LABEL_SELECTOR,
  OBJECT_META,
  POD_SPEC,
  type Schema,
} from "./validation/known-fields-schema.js";

const CONDITION: Schema = {
  fields: {
    type: "",
    status: "",
    lastTransitionTime: "",
    lastHeartbeatTime: "",
    lastProbeTime: "",
    reason: "",
    message: "",
    observedGeneration: "",
  },
};

function root(spec: Schema, status: Schema): Schema {
  return { fields: { apiVersion: "", kind: "", metadata: OBJECT_META, spec, status } };
}

const DAEMONSET = root(
  {
    fields: {
      selector: LABEL_SELECTOR,
      template: { fields: { metadata: OBJECT_META, spec: POD_SPEC } },
      updateStrategy: {
        fields: {
          type: "",
          rollingUpdate: {
            fields: {
              maxUnavailable: "",
              maxSurge: "",
              // everynode's rollout fields (control-plane/kube/kinds/daemonset-rollout.ts)
              paused: "",
              partition: "",
              selector: LABEL_SELECTOR,
              progressDeadlineSeconds: "",
              autoRollback: "",
              autoPause: { fields: { enabled: "", maxRestarts: "", maxNotReadySeconds: "" } },
              prePull: "",
            },
          },
        },
      },
      minReadySeconds: "",
      revisionHistoryLimit: "",
    },
  },
  {
    fields: {
      currentNumberScheduled: "",
      numberMisscheduled: "",
      desiredNumberScheduled: "",
      numberReady: "",
      observedGeneration: "",
      updatedNumberScheduled: "",
      numberAvailable: "",
      numberUnavailable: "",
      collisionCount: "",
      conditions: [CONDITION],
      rollout: "any", // everynode (control-plane/kube/kinds/daemonset-rollout.ts)
    },
  },
);

const NODE = root(
  {
    fields: {
      podCIDR: "",
      podCIDRs: "",
      providerID: "",
      unschedulable: "",
      taints: [{ fields: { key: "", value: "", effect: "", timeAdded: "" } }],
      configSource: "any",
      externalID: "",
    },
  },
  {
    fields: {
      capacity: "map",
      allocatable: "map",
      phase: "",
      conditions: [CONDITION],
      addresses: [{ fields: { type: "", address: "" } }],
      daemonEndpoints: { fields: { kubeletEndpoint: { fields: { Port: "" } } } },
      nodeInfo: {
        fields: {
          machineID: "",
          systemUUID: "",
          bootID: "",
          kernelVersion: "",
          osImage: "",
          containerRuntimeVersion: "",
          kubeletVersion: "",
          kubeProxyVersion: "",
          operatingSystem: "",
          architecture: "",
          swap: { fields: { capacity: "" } },
        },
      },
      images: [{ fields: { names: "", sizeBytes: "" } }],
      volumesInUse: "",
      volumesAttached: [{ fields: { name: "", devicePath: "" } }],
      config: "any",
      runtimeHandlers: "any",
      features: "any",
      declaredFeatures: "",
    },
  },
);

const NAMESPACE = root({ fields: { finalizers: "" } }, { fields: { phase: "", conditions: [CONDITION] } });

const STATE: Schema = {
  fields: {
    waiting: { fields: { reason: "", message: "" } },
    running: { fields: { startedAt: "" } },
    terminated: {
      fields: {
        exitCode: "",
        signal: "",
        reason: "",
        message: "",
        startedAt: "",
        finishedAt: "",
        containerID: "",
      },
    },
  },
};
const CONTAINER_STATUS: Schema = {
  fields: {
    name: "",
    state: STATE,
    lastState: STATE,
    ready: "",
    restartCount: "",
    image: "",
    imageID: "",
    containerID: "",
    started: "",
    allocatedResources: "map",
    resources: CONTAINER.fields.resources ?? "any",
    volumeMounts: "any",
    user: "any",
    allocatedResourcesStatus: "any",
    stopSignal: "",
  },
};
const POD = root(POD_SPEC, {
  fields: {
    phase: "",
    conditions: [CONDITION],
    message: "",
    reason: "",
    nominatedNodeName: "",
    hostIP: "",
    hostIPs: [{ fields: { ip: "" } }],
    podIP: "",
    podIPs: [{ fields: { ip: "" } }],
    startTime: "",
    initContainerStatuses: [CONTAINER_STATUS],
    containerStatuses: [CONTAINER_STATUS],
    ephemeralContainerStatuses: [CONTAINER_STATUS],
    qosClass: "",
    resize: "",
    resourceClaimStatuses: "any",
    observedGeneration: "",
  },
});

const SCHEMAS: Partial<Record<ResourceName, Schema>> = {
  daemonsets: DAEMONSET,
  nodes: NODE,
  namespaces: NAMESPACE,
  pods: POD,
};

/** The schema of `key` in an object schema; own properties only, as keys come from the client. */
function fieldSchema(schema: { fields: Record<string, Schema> }, key: string): Schema | undefined {
  return Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
}

// Recursion follows the body, whose depth the body and patch checks bound (json-bounds.ts).
function walk(value: unknown, schema: Schema, path: string, out: string[], drop: boolean): void {
  // Scalars, maps (any key) and free-form fields are not looked into.
  if (typeof schema === "string") return;
  if (Array.isArray(schema)) {
    const item = schema[0];
    if (!Array.isArray(value) || item === undefined) return;
    value.forEach((v, i) => walk(v, item, `${path}[${i}]`, out, drop));
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const p = path ? `${path}.${key}` : key;
    const sub = fieldSchema(schema, key);
    if (sub === undefined) {
      out.push(p);
      if (drop) delete (value as Record<string, unknown>)[key];
    } else {
      walk(v, sub, p, out, drop);
    }
  }
}

/** The dotted paths of the body's fields that the type's schema does not know (none for free-form types). */
export function unknownFields(resource: ResourceName, body: unknown): string[] {
  const schema = SCHEMAS[resource];
  if (!schema) return [];
  const out: string[] = [];
  walk(body, schema, "", out, false);
  return out;
}

/**
 * Removes the fields the type's schema does not know from `body`, in place, as Kubernetes'
 * decoder drops them, and returns their dotted paths.
 */
export function dropUnknownFields(resource: ResourceName, body: unknown): string[] {
  const schema = SCHEMAS[resource];
  if (!schema) return [];
  const out: string[] = [];
  walk(body, schema, "", out, true);
  return out;
}
