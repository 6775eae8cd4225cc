import { describe, expect, it } from "vitest";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import { gcFinalizers, planDeletion, podGracePeriod, type DeletionInput } from "./deletion-plan.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const at = (seconds: number): string => rfc3339(NOW + seconds * 1000);

function pod(
  extra: { grace?: number; node?: string | null; phase?: string; meta?: Record<string, unknown> } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "default", uid: "u", ...extra.meta },
    spec: {
      containers: [{ name: "c", image: "i" }],
      ...(extra.node === null ? {} : { nodeName: extra.node ?? "n1" }),
      ...(extra.grace !== undefined ? { terminationGracePeriodSeconds: extra.grace } : {}),
    },
    status: { phase: (extra.phase ?? "Running") as "Running" },
  };
}

const podInput = (
  object: KubeObject,
  options: DeletionInput["options"] = {},
  nodeCanWait = true,
): DeletionInput => ({
  object,
  options,
  now: NOW,
  pod: { nodeCanWait },
});

/** A compact view of a plan: the action, then the deletion fields of an updated object. */
function view(input: DeletionInput): string {
  const p = planDeletion(input);
  if (p.action !== "update") return p.action;
  const m = p.object.metadata;
  const fin = m.finalizers ? ` ${m.finalizers.join(",")}` : "";
  return `update ${m.deletionTimestamp} ${m.deletionGracePeriodSeconds}${fin}${p.startsTermination ? " starts" : ""}`;
}

describe("podGracePeriod", () => {
  it.each<[string, Pod, number | undefined, boolean, number]>([
    ["the pod's own period", pod({ grace: 12 }), undefined, true, 12],
    ["30 s without one", pod(), undefined, true, 30],
    ["the request's period", pod({ grace: 12 }), 3, true, 3],
    ["0 for a pod bound to no node", pod({ node: null }), 5, true, 0],
    ["0 for a failed pod", pod({ phase: "Failed" }), 5, true, 0],
    ["0 for a succeeded pod", pod({ phase: "Succeeded" }), undefined, true, 0],
    ["0 when the node's agent cannot report it gone", pod({ grace: 12 }), undefined, false, 0],
  ])("%s", (_name, p, requested, canWait, expected) => {
    expect(podGracePeriod(p, requested, canWait)).toBe(expected);
  });
});

describe("planDeletion: pods", () => {
  const terminating = (grace: number, deadline = 20) =>
    pod({ meta: { deletionTimestamp: at(deadline), deletionGracePeriodSeconds: grace } });

  it.each<[string, DeletionInput, string]>([
    ["marks a pod with now + its grace period", podInput(pod({ grace: 20 })), `update ${at(20)} 20 starts`],
    [
      "takes the request's grace period",
      podInput(pod({ grace: 20 }), { gracePeriodSeconds: 5 }),
      `update ${at(5)} 5 starts`,
    ],
    [
      "counts a negative request as 1 s",
      podInput(pod(), { gracePeriodSeconds: -1 }),
      `update ${at(1)} 1 starts`,
    ],
    [
      "removes at once with grace period 0",
      podInput(pod({ grace: 20 }), { gracePeriodSeconds: 0 }),
      "remove",
    ],
    ["removes at once on a node whose agent cannot wait", podInput(pod({ grace: 20 }), {}, false), "remove"],
    ["removes a failed pod at once", podInput(pod({ phase: "Failed" })), "remove"],
    [
      "marks a pod with a finalizer even with grace period 0",
      podInput(pod({ meta: { finalizers: ["example.com/keep"] } }), { gracePeriodSeconds: 0 }),
      `update ${at(0)} 0 example.com/keep starts`,
    ],
    ["changes nothing on a second delete", podInput(terminating(20)), "pending"],
    ["never lengthens the grace period", podInput(terminating(20), { gracePeriodSeconds: 60 }), "pending"],
    [
      "shortens it, moving the deadline",
      podInput(terminating(20), { gracePeriodSeconds: 5 }),
      `update ${at(5)} 5`,
    ],
    [
      "removes a terminating pod at once with 0",
      podInput(terminating(20), { gracePeriodSeconds: 0 }),
      "remove",
    ],
    [
      "removes a terminating pod whose grace period is already 0",
      podInput(pod({ meta: { deletionTimestamp: at(0), deletionGracePeriodSeconds: 0 } })),
      "remove",
    ],
    [
      "keeps a pod whose containers are gone while a finalizer holds it",
      podInput(
        pod({
          meta: { deletionTimestamp: at(0), deletionGracePeriodSeconds: 0, finalizers: ["example.com/k"] },
        }),
      ),
      "pending",
    ],
    [
      "does not change a terminating pod's finalizers",
      podInput(terminating(20), { propagationPolicy: "Orphan" }),
      "pending",
    ],
  ])("%s", (_name, input, expected) => {
    expect(view(input)).toBe(expected);
  });
});

describe("planDeletion: kinds without a grace period", () => {
  const ds = (meta: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "web", namespace: "default", uid: "d", ...meta },
  });
  const dsInput = (object: KubeObject, options: DeletionInput["options"] = {}): DeletionInput => ({
    object,
    options,
    now: NOW,
    ownsDependents: true,
  });

  it.each<[string, DeletionInput, string]>([
    ["removes a DaemonSet at once by default (Background)", dsInput(ds()), "remove"],
    ["removes it at once for Background", dsInput(ds(), { propagationPolicy: "Background" }), "remove"],
    [
      "marks it with foregroundDeletion for Foreground",
      dsInput(ds(), { propagationPolicy: "Foreground" }),
      `update ${at(0)} 0 foregroundDeletion starts`,
    ],
    [
      "marks it with orphan for Orphan",
      dsInput(ds(), { propagationPolicy: "Orphan" }),
      `update ${at(0)} 0 orphan starts`,
    ],
    [
      "marks it with orphan for orphanDependents",
      dsInput(ds(), { orphanDependents: true }),
      `update ${at(0)} 0 orphan starts`,
    ],
    [
      "keeps a user's finalizer and waits for it",
      dsInput(ds({ finalizers: ["example.com/keep"] })),
      `update ${at(0)} 0 example.com/keep starts`,
    ],
    [
      "follows a foregroundDeletion finalizer the object already has",
      dsInput(ds({ finalizers: ["foregroundDeletion"] })),
      `update ${at(0)} 0 foregroundDeletion starts`,
    ],
    [
      "lets Background drop the finalizer the object had",
      dsInput(ds({ finalizers: ["orphan"] }), { propagationPolicy: "Background" }),
      "remove",
    ],
    [
      "changes nothing when it is already being deleted the same way",
      dsInput(
        ds({ deletionTimestamp: at(-5), deletionGracePeriodSeconds: 0, finalizers: ["foregroundDeletion"] }),
      ),
      "pending",
    ],
    [
      "switches an orphaning deletion to foreground, keeping its timestamp",
      dsInput(ds({ deletionTimestamp: at(-5), deletionGracePeriodSeconds: 0, finalizers: ["orphan"] }), {
        propagationPolicy: "Foreground",
      }),
      `update ${at(-5)} 0 foregroundDeletion`,
    ],
  ])("%s", (_name, input, expected) => {
    expect(view(input)).toBe(expected);
  });

  it("ignores propagation for kinds that own nothing", () => {
    const event: KubeObject = { metadata: { name: "e", namespace: "default" } };
    expect(view({ object: event, options: { propagationPolicy: "Foreground" }, now: NOW })).toBe("remove");
  });
});

describe("gcFinalizers", () => {
  it.each<[string[], DeletionInput["options"], string[]]>([
    [[], {}, []],
    [["example.com/a"], { propagationPolicy: "Foreground" }, ["example.com/a", "foregroundDeletion"]],
    [["foregroundDeletion"], { propagationPolicy: "Orphan" }, ["orphan"]],
    [["orphan"], { orphanDependents: false }, []],
    [["orphan"], {}, ["orphan"]],
  ])("%j with %j → %j", (existing, options, expected) => {
    expect(gcFinalizers(existing, options)).toEqual(expected);
  });
});
