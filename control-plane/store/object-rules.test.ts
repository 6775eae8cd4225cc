import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import type { ResourceName } from "../kube/index.js";
import {
  checkPreconditions,
  fillCreateFields,
  keyNamespace,
  settleName,
  settleNamespace,
} from "./object-rules.js";

const stored: KubeObject = { metadata: { name: "web", uid: "u1", resourceVersion: "5" } };

describe("object rules", () => {
  it.each([
    // resource, given namespace, expected key namespace
    ["pods", "default", "default"],
    ["pods", undefined, ""],
    ["nodes", "default", ""],
    ["namespaces", undefined, ""],
  ] as [ResourceName, string | undefined, string][])(
    "keyNamespace(%s, %s) is %j",
    (resource, ns, expected) => {
      expect(keyNamespace(resource, ns)).toBe(expected);
    },
  );

  it.each([
    ["pods", "kube-system", "kube-system", "kube-system"],
    ["daemonsets", "apps", "apps", "apps"],
    ["nodes", "default", "", undefined],
    ["namespaces", undefined, "", undefined],
  ] as [ResourceName, string | undefined, string, string | undefined][])(
    "settleNamespace(%s, %s) keys under %j and leaves metadata.namespace %s",
    (resource, ns, key, left) => {
      const o: KubeObject = { metadata: { name: "x", namespace: ns } };
      expect(settleNamespace(resource, o)).toBe(key);
      expect(o.metadata.namespace).toBe(left);
    },
  );

  it.each([undefined, ""])("settleNamespace rejects a pod with namespace %j as 422", (ns) => {
    expect(() => settleNamespace("pods", { metadata: { name: "x", namespace: ns } })).toThrow(
      expect.objectContaining({ code: "Invalid", message: expect.stringContaining("metadata.namespace") }),
    );
  });

  it.each([
    // expectedResourceVersion, expectedUid, conflict?
    [undefined, undefined, false],
    ["5", undefined, false],
    ["", undefined, false],
    ["4", undefined, true],
    [undefined, "u1", false],
    [undefined, "u2", true],
    ["5", "u2", true],
  ])("preconditions rv=%s uid=%s conflict=%s", (rv, uid, conflict) => {
    const check = (): void => checkPreconditions("pods", stored, rv, uid);
    if (conflict) expect(check).toThrow(expect.objectContaining({ code: "Conflict" }));
    else expect(check).not.toThrow();
  });

  it("settleName keeps a given name and gives up with AlreadyExists when every try is taken", () => {
    expect(
      settleName("pods", { metadata: { name: "given", generateName: "x-" } }, Math.random, () => true),
    ).toBe("given");
    expect(() =>
      settleName(
        "pods",
        { metadata: { generateName: "x-" } },
        () => 0,
        () => true,
      ),
    ).toThrow(expect.objectContaining({ code: "AlreadyExists" }));
  });

  it("fillCreateFields writes uid and second-precision RFC 3339 only when absent", () => {
    const fresh: KubeObject = { metadata: { name: "a" } };
    fillCreateFields(fresh, Date.UTC(2026, 5, 7, 8, 9, 10, 999), () => "new-uid");
    expect(fresh.metadata).toMatchObject({ uid: "new-uid", creationTimestamp: "2026-06-07T08:09:10Z" });
    const given: KubeObject = {
      metadata: { name: "a", uid: "old", creationTimestamp: "2000-01-01T00:00:00Z" },
    };
    fillCreateFields(given, 0, () => "new-uid");
    expect(given.metadata).toMatchObject({ uid: "old", creationTimestamp: "2000-01-01T00:00:00Z" });
  });
});
