import { describe, expect, it } from "vitest";
import { unknownFields as handUnknownFields } from "../../api/known-fields.js";
import * as handSchema from "../../api/validation/known-fields-schema.js";
import { REGISTRY } from "../kinds/index.js";
import { fieldTrees } from "./known-fields.js";
import { disagreements, vocabularyOf } from "./test-field-probe.js";

// Where upstream's schema and the hand-written one disagree. A change on either side (a new
// vendored release, an edit of the hand list) shows up here, to be reviewed.
describe("differences from the hand-written lists", () => {
  const vocabulary = vocabularyOf(REGISTRY.definitions, handSchema);
  const conditionExtras = ["lastHeartbeatTime", "lastProbeTime", "observedGeneration"];
  const otherVolumeSources = [
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "ephemeral",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "iscsi",
    "photonPersistentDisk",
    "portworxVolume",
    "projected.sources[].podCertificate",
    "quobyte",
    "rbd",
    "scaleIO",
    "storageos",
    "vsphereVolume",
  ];
  const podSpecFreeForm = (spec: string) => [
    `${spec}.containers[].restartPolicyRules[]`,
    `${spec}.ephemeralContainers[].restartPolicyRules[]`,
    `${spec}.initContainers[].restartPolicyRules[]`,
    ...otherVolumeSources.map((s) => `${spec}.volumes[].${s}`),
  ];
  const statusFreeForm = ["initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"].flatMap(
    (s) => ["allocatedResourcesStatus[]", "user", "volumeMounts[]"].map((f) => `status.${s}[].${f}`),
  );

  it.each([
    [
      "daemonsets",
      {
        onlyInTree: { "spec.template.spec": ["schedulingGroup"] },
        onlyInCheck: {
          "spec.template.spec.containers[]": ["targetContainerName"],
          "spec.template.spec.initContainers[]": ["targetContainerName"],
          "status.conditions[]": conditionExtras,
        },
        notLookedInto: [
          "metadata.managedFields[]",
          "spec.template.metadata.managedFields[]",
          ...podSpecFreeForm("spec.template.spec"),
          // The hand list takes everynode's rollout status as free-form; the overlay describes it.
          "status.rollout",
        ],
      },
    ],
    [
      "pods",
      {
        onlyInTree: {
          spec: ["schedulingGroup"],
          status: [
            "allocatedResources",
            "extendedResourceClaimStatus",
            "nodeAllocatableResourceClaimStatuses",
            "resources",
          ],
        },
        onlyInCheck: {
          "spec.containers[]": ["targetContainerName"],
          "spec.initContainers[]": ["targetContainerName"],
          "status.conditions[]": ["lastHeartbeatTime"],
        },
        notLookedInto: [
          "metadata.managedFields[]",
          ...podSpecFreeForm("spec"),
          ...statusFreeForm,
          "status.resourceClaimStatuses[]",
        ],
      },
    ],
    [
      "nodes",
      {
        onlyInTree: {},
        onlyInCheck: { "status.conditions[]": ["lastProbeTime", "observedGeneration"] },
        notLookedInto: [
          "metadata.managedFields[]",
          "spec.configSource",
          "status.config",
          "status.features",
          "status.runtimeHandlers[]",
        ],
      },
    ],
    [
      "namespaces",
      {
        onlyInTree: {},
        onlyInCheck: { "status.conditions[]": conditionExtras },
        notLookedInto: ["metadata.managedFields[]"],
      },
    ],
  ])("%s", (resource, expected) => {
    const tree = fieldTrees(REGISTRY).get(resource);
    if (!tree) throw new Error(resource);
    const found = disagreements(tree, (b) => handUnknownFields(resource as "pods", b), vocabulary);
    expect({ ...found, notLookedInto: [...found.notLookedInto].sort() }).toEqual({
      ...expected,
      notLookedInto: [...expected.notLookedInto].sort(),
    });
  });
});
