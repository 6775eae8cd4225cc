import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { Principal } from "../auth/principal.js";
import {
  forbidden,
  isAllowed,
  mayReadNonResource,
  selectsNode,
  type RequestAttributes,
} from "./authorization.js";
import { matchesFields, parseFieldSelector, type FieldRequirement } from "../kube/index.js";

const admin: Principal = { kind: "admin", name: "admin" };
const nodeA: Principal = { kind: "node", nodeName: "a", credentialId: "c" };
const join: Principal = { kind: "join", tokenId: "t" };
const podOn = (node: string): Pod => ({
  metadata: { name: "p", namespace: "default" },
  spec: { nodeName: node, containers: [] },
});

type Case = [string, Principal, RequestAttributes, boolean];
/** The requirements the list handler would filter with (the authorizer's only input). */
const selecting = (text: string): { fieldRequirements: RequestAttributes["fieldRequirements"] } => ({
  fieldRequirements: parseFieldSelector(text, "pods"),
});
const ns = { namespace: "default" };

describe("isAllowed", () => {
  it.each<Case>([
    [
      "admin deletes a DaemonSet",
      admin,
      { verb: "delete", resource: "daemonsets", group: "apps", name: "x", ...ns },
      true,
    ],
    ["node lists nodes", nodeA, { verb: "list", resource: "nodes", group: "" }, true],
    ["node watches nodes", nodeA, { verb: "watch", resource: "nodes", group: "" }, true],
    ["node lists node metrics", nodeA, { verb: "list", resource: "nodes", group: "metrics.k8s.io" }, false],
    [
      "node gets its own node's metrics",
      nodeA,
      { verb: "get", resource: "nodes", group: "metrics.k8s.io", name: "a" },
      false,
    ],
    ["admin lists pod metrics", admin, { verb: "list", resource: "pods", group: "metrics.k8s.io" }, true],
    ["node gets its own node", nodeA, { verb: "get", resource: "nodes", group: "", name: "a" }, true],
    ["node gets another node", nodeA, { verb: "get", resource: "nodes", group: "", name: "b" }, false],
    ["node patches its own node", nodeA, { verb: "patch", resource: "nodes", group: "", name: "a" }, true],
    [
      "node patches its own status",
      nodeA,
      { verb: "patch", resource: "nodes", group: "", name: "a", subresource: "status" },
      true,
    ],
    [
      "node puts another node's status",
      nodeA,
      { verb: "update", resource: "nodes", group: "", name: "b", subresource: "status" },
      false,
    ],
    ["node deletes its own node", nodeA, { verb: "delete", resource: "nodes", group: "", name: "a" }, true],
    ["node deletes another node", nodeA, { verb: "delete", resource: "nodes", group: "", name: "b" }, false],
    ["node creates a node", nodeA, { verb: "create", resource: "nodes", group: "" }, false],
    [
      "node lists its pods",
      nodeA,
      { verb: "list", resource: "pods", group: "", ...selecting("spec.nodeName=a") },
      true,
    ],
    [
      "node watches its pods, other terms first",
      nodeA,
      { verb: "watch", resource: "pods", group: "", ...selecting("status.phase!=Failed,spec.nodeName==a") },
      true,
    ],
    ["node lists all pods", nodeA, { verb: "list", resource: "pods", group: "" }, false],
    [
      "node hides its name behind an escaped comma (one term: metadata.name != 'x,spec.nodeName=a')",
      nodeA,
      { verb: "list", resource: "pods", group: "", ...selecting("metadata.name!=x\\,spec.nodeName=a") },
      false,
    ],
    [
      "node watches with an escaped comma",
      nodeA,
      { verb: "watch", resource: "pods", group: "", ...selecting("metadata.name!=x\\,spec.nodeName=a") },
      false,
    ],
    [
      "node lists its pods with a value that merely starts with its name",
      nodeA,
      { verb: "list", resource: "pods", group: "", ...selecting("spec.nodeName=a\\,b") },
      false,
    ],
    [
      "node lists another node's pods",
      nodeA,
      { verb: "list", resource: "pods", group: "", ...selecting("spec.nodeName=b") },
      false,
    ],
    [
      "node lists pods with != its name",
      nodeA,
      { verb: "list", resource: "pods", group: "", ...selecting("spec.nodeName!=a") },
      false,
    ],
    [
      "node gets its pod",
      nodeA,
      { verb: "get", resource: "pods", group: "", name: "p", ...ns, object: podOn("a") },
      true,
    ],
    [
      "node gets another node's pod",
      nodeA,
      { verb: "get", resource: "pods", group: "", name: "p", ...ns, object: podOn("b") },
      false,
    ],
    [
      "node patches its pod's status",
      nodeA,
      {
        verb: "patch",
        resource: "pods",
        group: "",
        name: "p",
        ...ns,
        subresource: "status",
        object: podOn("a"),
      },
      true,
    ],
    [
      "node puts another pod's status",
      nodeA,
      {
        verb: "update",
        resource: "pods",
        group: "",
        name: "p",
        ...ns,
        subresource: "status",
        object: podOn("b"),
      },
      false,
    ],
    [
      "node patches its pod (not status)",
      nodeA,
      { verb: "patch", resource: "pods", group: "", name: "p", ...ns, object: podOn("a") },
      false,
    ],
    [
      "node deletes its pod",
      nodeA,
      { verb: "delete", resource: "pods", group: "", name: "p", ...ns, object: podOn("a") },
      false,
    ],
    [
      "node reads its pod's logs",
      nodeA,
      { verb: "get", resource: "pods", group: "", name: "p", ...ns, subresource: "log", object: podOn("a") },
      false,
    ],
    ["node creates an event", nodeA, { verb: "create", resource: "events", group: "", ...ns }, true],
    ["node lists events", nodeA, { verb: "list", resource: "events", group: "", ...ns }, false],
    ["node lists DaemonSets", nodeA, { verb: "list", resource: "daemonsets", group: "apps" }, false],
    [
      "node reads namespaces",
      nodeA,
      { verb: "get", resource: "namespaces", group: "", name: "default" },
      false,
    ],
    ["join lists nodes", join, { verb: "list", resource: "nodes", group: "" }, false],
    ["join creates a node", join, { verb: "create", resource: "nodes", group: "" }, false],
  ])("%s", (_name, principal, attributes, expected) => {
    expect(isAllowed(principal, attributes)).toBe(expected);
  });
});

describe("selectsNode", () => {
  it.each<[string | undefined, boolean]>([
    ["spec.nodeName=a", true],
    ["spec.nodeName==a", true],
    ["status.phase!=Failed,spec.nodeName=a", true],
    [" spec.nodeName=a", true],
    // The parser keeps the value's spaces, and so would the filter: " a " is not "a".
    ["spec.nodeName = a ", false],
    ["spec.nodeName=ab", false],
    ["spec.nodeName=", false],
    ["spec.nodeName!=a", false],
    ["metadata.name!=x\\,spec.nodeName=a", false],
    ["metadata.name=a", false],
    ["", false],
    [undefined, false],
  ])("%s", (selector, expected) => {
    const reqs = selector === undefined ? undefined : parseFieldSelector(selector, "pods");
    expect(selectsNode(reqs, "a")).toBe(expected);
  });
});

describe("selectsNode agrees with the filter", () => {
  // Every selector of up to four fragments: whenever the authorizer lets node "a" list with
  // it, the filter built from the same requirements passes only pods bound to "a".
  const FRAGMENTS = [
    "spec.nodeName=a",
    "metadata.name!=x",
    "spec.nodeName",
    "metadata.name",
    "=",
    "==",
    "!=",
    ",",
    "\\,",
    "\\",
    "a",
    "x",
  ];
  const pods: Pod[] = ["a", "b", "a,b", "x", ""].flatMap((node) =>
    ["a", "x", "x,spec.nodeName=a"].map((name) => ({
      metadata: { name, namespace: "default" },
      spec: { nodeName: node, containers: [] },
    })),
  );
  function* selectors(depth: number): Generator<string> {
    yield "";
    if (depth === 0) return;
    for (const rest of selectors(depth - 1)) for (const f of FRAGMENTS) yield f + rest;
  }

  it("never lets a node see another node's pods", () => {
    let allowed = 0;
    for (const text of new Set(selectors(4))) {
      let reqs: FieldRequirement[];
      try {
        reqs = parseFieldSelector(text, "pods");
      } catch {
        continue;
      }
      if (!selectsNode(reqs, "a")) continue;
      allowed++;
      const leaked = pods.filter((p) => matchesFields(reqs, p, "pods") && p.spec.nodeName !== "a");
      expect(leaked, text).toEqual([]);
    }
    expect(allowed).toBeGreaterThan(50);
  });
});

describe("forbidden", () => {
  it("words the message as Kubernetes does", () => {
    const e = forbidden(nodeA, { verb: "get", resource: "nodes", group: "", name: "x" });
    expect(e.httpStatus).toBe(403);
    expect(e.message).toBe(
      'nodes "x" is forbidden: User "system:node:a" cannot get resource "nodes" in API group "" at the cluster scope',
    );
  });

  it("names the subresource, group and namespace", () => {
    const e = forbidden(nodeA, {
      verb: "patch",
      resource: "daemonsets",
      group: "apps",
      name: "d",
      namespace: "ns1",
      subresource: "status",
    });
    expect(e.message).toBe(
      'daemonsets.apps "d" is forbidden: User "system:node:a" cannot patch resource "daemonsets/status" in API group "apps" in the namespace "ns1"',
    );
  });
});

describe("mayReadNonResource", () => {
  const metrics: Principal = { kind: "metrics", tokenId: "m1" };
  it.each<[Principal, string, boolean]>([
    [admin, "/openapi/v3", true],
    [nodeA, "/openapi/v3", true],
    [join, "/openapi/v3", false],
    [metrics, "/apis", false],
    [admin, "/metrics", true],
    [metrics, "/metrics", true],
    [nodeA, "/metrics", false],
    [join, "/metrics", false],
  ])("%j %s", (p, path, expected) => {
    expect(mayReadNonResource(p, path)).toBe(expected);
  });
});
