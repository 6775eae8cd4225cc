import { describe, expect, it } from "vitest";
import { tutorialDaemonSet } from "../validation/test-manifests.js";
import { unknownFieldsOf } from "../schema/known-fields.js";
import { openApiV2Document } from "../schema/openapi-v2.js";
import { openApiV3Document } from "../schema/openapi-v3.js";
import { REGISTRY } from "./index.js";

const RU = "io.k8s.api.apps.v1.RollingUpdateDaemonSet";

function rolloutDaemonSet(): any {
  const ds = tutorialDaemonSet() as any;
  ds.spec.updateStrategy = {
    type: "RollingUpdate",
    rollingUpdate: {
      maxUnavailable: 1,
      paused: true,
      partition: "25%",
      selector: { matchLabels: { canary: "true" } },
      progressDeadlineSeconds: 120,
      autoRollback: true,
      autoPause: { enabled: true, maxRestarts: 2, maxNotReadySeconds: 60 },
      prePull: false,
    },
  };
  ds.status = {
    currentNumberScheduled: 1,
    numberMisscheduled: 0,
    desiredNumberScheduled: 1,
    numberReady: 1,
    rollout: {
      updateRevision: 2,
      updateHash: "abc",
      updatedNodes: 1,
      oldNodes: 0,
      heldBackNodes: 0,
      updatedAvailableNodes: 1,
      stop: { hash: "abc", reason: "AutoPaused", message: "m", time: "2025-01-01T00:00:00Z", active: true },
    },
  };
  return ds;
}

describe("the DaemonSet's rollout fields", () => {
  it("are known to strict validation, which looks into them", () => {
    expect(unknownFieldsOf(REGISTRY, "daemonsets", rolloutDaemonSet()).paths).toEqual([]);
    const ds = rolloutDaemonSet();
    ds.spec.updateStrategy.rollingUpdate.autoPause.maxRestart = 1;
    ds.spec.updateStrategy.rollingUpdate.pause = true;
    ds.status.rollout.stop.hsah = "x";
    expect(unknownFieldsOf(REGISTRY, "daemonsets", ds).paths).toEqual([
      "spec.updateStrategy.rollingUpdate.autoPause.maxRestart",
      "spec.updateStrategy.rollingUpdate.pause",
      "status.rollout.stop.hsah",
    ]);
  });

  it("are described in OpenAPI v3 and v2 beside upstream's fields, saying whose they are", () => {
    const v3 = openApiV3Document(REGISTRY, "apis/apps/v1") as any;
    const props = v3.components.schemas[RU].properties;
    const added = "paused partition selector progressDeadlineSeconds autoRollback autoPause prePull";
    expect(Object.keys(props)).toEqual(["maxSurge", "maxUnavailable", ...added.split(" ")]);
    expect(props.paused.description).toMatch(/^everynode: while true, no pod is replaced/);
    expect(props.autoPause.allOf).toEqual([
      { $ref: "#/components/schemas/io.everynode.apps.v1.DaemonSetAutoPause" },
    ]);
    expect(v3.components.schemas["io.everynode.apps.v1.DaemonSetRolloutStop"]).toBeDefined();
    const status = v3.components.schemas["io.k8s.api.apps.v1.DaemonSetStatus"].properties;
    expect(status.rollout.description).toMatch(/^everynode: /);

    const v2 = openApiV2Document(REGISTRY).definitions;
    expect(v2[RU]?.properties?.["prePull"]?.description).toMatch(
      /^everynode: every node due for the update .* before its old pod is stopped/,
    );
    expect(v2["io.everynode.apps.v1.DaemonSetRolloutStatus"]?.properties).toHaveProperty("updateHash");
  });
});
