import { describe, expect, it } from "vitest";
import type { ControllerRevision, DaemonSet } from "../../shared/api-types.js";
import { planRevisions, revisionData } from "./revisions.js";
import { templateHash } from "./template-hash.js";
import { daemonSet } from "./test-builders.js";

function revisionOf(
  ds: DaemonSet,
  revision: number,
  hash = templateHash(ds.spec.template),
): ControllerRevision {
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: { name: `web-${hash}`, namespace: "default", labels: { "controller-revision-hash": hash } },
    data: revisionData(ds.spec.template),
    revision,
  };
}
const withImage = (image: string, fields: Partial<DaemonSet["spec"]> = {}) =>
  daemonSet({ containers: [{ name: "web", image }] }, fields);

describe("planRevisions", () => {
  it("creates revision 1 for a new DaemonSet, named after the hash, owned by it", () => {
    const ds = withImage("a");
    const plan = planRevisions(ds, [], () => undefined, new Set());
    expect(plan.revision).toBe(1);
    expect(plan.hash).toBe(templateHash(ds.spec.template));
    expect(plan.create?.metadata).toMatchObject({
      name: `web-${plan.hash}`,
      namespace: "default",
      labels: { app: "web", "controller-revision-hash": plan.hash },
      ownerReferences: [{ kind: "DaemonSet", name: "web", uid: "ds-uid-1", controller: true }],
    });
    expect(plan.create?.data).toEqual({ spec: { template: { ...ds.spec.template, $patch: "replace" } } });
  });

  it("finds the current revision and changes nothing", () => {
    const ds = withImage("a");
    const plan = planRevisions(ds, [revisionOf(ds, 1)], () => undefined, new Set());
    expect(plan).toMatchObject({ revision: 1, delete: [] });
    expect(plan.create).toBeUndefined();
    expect(plan.renumber).toBeUndefined();
  });

  it("a new template gets max + 1", () => {
    const old = revisionOf(withImage("a"), 4);
    expect(planRevisions(withImage("b"), [old], () => undefined, new Set()).revision).toBe(5);
  });

  it("a rollback renumbers the old revision to max + 1", () => {
    const a = withImage("a");
    const plan = planRevisions(
      a,
      [revisionOf(a, 1), revisionOf(withImage("b"), 2)],
      () => undefined,
      new Set(),
    );
    expect(plan.renumber?.revision).toBe(3);
    expect(plan.revision).toBe(3);
    expect(plan.hash).toBe(templateHash(a.spec.template));
  });

  it("a name taken by other data bumps the collision count and changes the hash", () => {
    const ds = withImage("a");
    const squatter = {
      ...revisionOf(withImage("zzz"), 1, templateHash(ds.spec.template)),
      metadata: { name: `web-${templateHash(ds.spec.template)}` },
    };
    const plan = planRevisions(
      ds,
      [],
      (name) => (name === squatter.metadata.name ? squatter : undefined),
      new Set(),
    );
    expect(plan.collisionCount).toBe(1);
    expect(plan.hash).toBe(templateHash(ds.spec.template, 1));
    expect(plan.create?.metadata.name).toBe(`web-${templateHash(ds.spec.template, 1)}`);
  });

  it("prunes the oldest beyond revisionHistoryLimit, skipping hashes pods still carry", () => {
    const ds = withImage("current", { revisionHistoryLimit: 2 });
    const old = ["a", "b", "c", "d"].map((img, i) => revisionOf(withImage(img), i + 1));
    const live = new Set([old[0]!.metadata.labels!["controller-revision-hash"]!]);
    const plan = planRevisions(ds, [...old, revisionOf(ds, 5)], () => undefined, live);
    expect(plan.delete.map((r) => r.revision)).toEqual([2, 3]);
  });

  it("revisionHistoryLimit 0 keeps only the current one", () => {
    const ds = withImage("current", { revisionHistoryLimit: 0 });
    const plan = planRevisions(
      ds,
      [revisionOf(withImage("a"), 1), revisionOf(ds, 2)],
      () => undefined,
      new Set(),
    );
    expect(plan.delete.map((r) => r.revision)).toEqual([1]);
  });
});
