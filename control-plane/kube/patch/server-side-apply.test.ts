import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../shared/api-types.js";
import { applyServerSideApply } from "./server-side-apply.js";

const applied: KubeObject = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "nginx", namespace: "default" },
  spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } } },
};

describe("applyServerSideApply", () => {
  it("returns a copy of the applied object when nothing exists", () => {
    const result = applyServerSideApply(undefined, applied, "daemonsets");
    expect(result).toEqual(applied);
    expect(result).not.toBe(applied);
  });

  it("keeps fields the applied configuration omits and merges containers by name", () => {
    const existing: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {
        name: "nginx",
        namespace: "default",
        uid: "u1",
        resourceVersion: "7",
        labels: { team: "web" },
      },
      spec: {
        revisionHistoryLimit: 10,
        template: {
          spec: {
            containers: [{ name: "nginx", image: "nginx", imagePullPolicy: "Always" }],
            dnsPolicy: "ClusterFirst",
          },
        },
      },
      status: { numberReady: 2 },
    };
    const result = applyServerSideApply(existing, applied, "daemonsets");
    expect(result.metadata).toEqual(existing.metadata);
    expect(result["status"]).toEqual({ numberReady: 2 });
    expect(result["spec"]).toEqual({
      revisionHistoryLimit: 10,
      template: {
        spec: {
          containers: [{ name: "nginx", image: "nginx:1.27", imagePullPolicy: "Always" }],
          dnsPolicy: "ClusterFirst",
        },
      },
    });
    expect((existing["spec"] as any).template.spec.containers[0].image).toBe("nginx");
  });
});
