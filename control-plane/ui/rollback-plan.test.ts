import { describe, expect, it } from "vitest";
import type { ControllerRevision, DaemonSet, PodTemplateSpec } from "../../shared/api-types.js";
import { daemonSet } from "../controller/test-builders.js";
import { planRollback, revisionsOf } from "./rollback-plan.js";

function template(image: string): PodTemplateSpec {
  return { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image }] } };
}

function revision(n: number, image: string, owner = "ds-uid-1"): ControllerRevision {
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `web-${n}`,
      namespace: "default",
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "web", uid: owner, controller: true },
      ],
    },
    revision: n,
    data: { spec: { template: { ...template(image), $patch: "replace" } } },
  };
}

function dsWith(image: string): DaemonSet {
  const ds = daemonSet();
  ds.spec.template = template(image);
  return ds;
}

const history = [
  revision(1, "web:1"),
  revision(3, "web:3"),
  revision(2, "web:2"),
  revision(9, "x:9", "other"),
];

describe("planRollback (kubectl rollout undo)", () => {
  it("goes back to the previous revision: the second newest of the DaemonSet's own", () => {
    expect(planRollback(dsWith("web:3"), history)).toEqual({
      kind: "patch",
      revision: 2,
      patch: history[2]?.data,
    });
  });

  it("goes to the revision asked for", () => {
    expect(planRollback(dsWith("web:3"), history, 1)).toMatchObject({ kind: "patch", revision: 1 });
  });

  it("skips when the template already matches the target, as kubectl says", () => {
    expect(planRollback(dsWith("web:2"), history, 2)).toEqual({
      kind: "skip",
      revision: 2,
      message: "skipped rollback (current template already matches revision 2)",
    });
  });

  it("refuses with kubectl's words when there is nothing to go back to", () => {
    expect(() => planRollback(dsWith("web:1"), [revision(1, "web:1")])).toThrow(
      "no last revision to roll back to",
    );
    expect(() => planRollback(dsWith("web:3"), history, 7)).toThrow(
      "unable to find specified revision 7 in history",
    );
    // Another DaemonSet's revision is not this one's history.
    expect(() => planRollback(dsWith("web:3"), history, 9)).toThrow("unable to find specified revision 9");
  });

  it("lists only the DaemonSet's own revisions, oldest first", () => {
    expect(revisionsOf(dsWith("web:3"), history).map((r) => r.revision)).toEqual([1, 2, 3]);
  });
});
