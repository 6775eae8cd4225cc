import { describe, expect, it } from "vitest";
import type { ControllerRevision, DaemonSet, Pod } from "../../shared/api-types.js";
import { planFinalizing, toAdopt } from "./garbage-collector.js";
import { daemonPod, daemonSet } from "./test-builders.js";

const deleting = (finalizers: string[]): DaemonSet => {
  const ds = daemonSet();
  ds.metadata.deletionTimestamp = "2026-06-01T12:00:00Z";
  ds.metadata.finalizers = finalizers;
  return ds;
};
const revision = (name: string, labels: Record<string, string> = { app: "web" }): ControllerRevision => ({
  apiVersion: "apps/v1",
  kind: "ControllerRevision",
  metadata: { name, namespace: "default", uid: `uid-${name}`, labels },
  data: {},
  revision: 1,
});
const orphan = (name: string, labels: Record<string, string> = { app: "web" }): Pod => {
  const p = daemonPod(name, "n1");
  delete p.metadata.ownerReferences;
  p.metadata.labels = labels;
  return p;
};

describe("planFinalizing", () => {
  it.each<[string, DaemonSet, Pod[], ControllerRevision[], string]>([
    ["nothing for a DaemonSet not being deleted", daemonSet(), [daemonPod("a", "n1")], [], "none"],
    [
      "nothing for a background deletion held by a user's finalizer",
      deleting(["example.com/k"]),
      [daemonPod("a", "n1")],
      [],
      "none",
    ],
    [
      "foreground: deletes live pods and revisions, keeps the finalizer",
      deleting(["foregroundDeletion"]),
      [daemonPod("a", "n1")],
      [revision("r")],
      "foreground pods=a revisions=r",
    ],
    [
      "foreground: waits for terminating pods, doing nothing",
      deleting(["foregroundDeletion"]),
      [daemonPod("a", "n1", { terminating: true })],
      [],
      "none",
    ],
    [
      "foreground: releases once no pod is left",
      deleting(["foregroundDeletion"]),
      [],
      [],
      "foreground release",
    ],
    [
      "orphan: releases every dependent, and the finalizer",
      deleting(["orphan"]),
      [daemonPod("a", "n1", { terminating: true })],
      [revision("r")],
      "orphan pods=a revisions=r release",
    ],
  ])("%s", (_name, ds, pods, revisions, expected) => {
    const f = planFinalizing(ds, pods, revisions);
    const view = f
      ? [
          f.mode,
          ...(f.pods.length ? [`pods=${f.pods.map((p) => p.metadata.name).join(",")}`] : []),
          ...(f.revisions.length ? [`revisions=${f.revisions.map((r) => r.metadata.name).join(",")}`] : []),
          ...(f.release ? ["release"] : []),
        ].join(" ")
      : "none";
    expect(view).toBe(expected);
  });
});

describe("toAdopt", () => {
  it("gives orphans the selector matches to the first DaemonSet by name, with its controller reference", () => {
    const b = daemonSet({}, { name: "b", uid: "uid-b" });
    b.spec.selector = { matchLabels: { app: "web" } };
    const a = daemonSet({}, { name: "a", uid: "uid-a" });
    a.spec.selector = { matchLabels: { app: "web" } };
    const adoptions = toAdopt([b, a], [orphan("p1"), orphan("other", { app: "db" })], [revision("r1")]);
    expect(
      adoptions.map((x) => [
        x.ds.metadata.name,
        x.pods.map((p) => p.metadata.name),
        x.revisions.map((r) => r.metadata.name),
      ]),
    ).toEqual([["a", ["p1"], ["r1"]]]);
    expect(adoptions[0]?.pods[0]?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ uid: "uid-a", controller: true, kind: "DaemonSet" }),
    ]);
  });

  it("adopts nothing that has a controller, is being deleted, or lives in another namespace", () => {
    const owned = daemonPod("owned", "n1");
    const leaving = orphan("leaving");
    leaving.metadata.deletionTimestamp = "2026-06-01T12:00:00Z";
    const elsewhere = orphan("elsewhere");
    elsewhere.metadata.namespace = "team";
    expect(toAdopt([daemonSet()], [owned, leaving, elsewhere], [])).toEqual([]);
  });

  it("is not done by a DaemonSet being deleted", () => {
    expect(toAdopt([deleting(["orphan"])], [orphan("p1")], [])).toEqual([]);
  });
});
