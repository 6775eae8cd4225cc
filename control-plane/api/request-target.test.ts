import { describe, expect, it } from "vitest";
import { parseResourcePath } from "./request-target.js";

describe("parseResourcePath", () => {
  it.each([
    ["/api/v1/nodes", { resource: "nodes" }],
    ["/api/v1/nodes/n1", { resource: "nodes", name: "n1" }],
    ["/api/v1/nodes/n1/status", { resource: "nodes", name: "n1", subresource: "status" }],
    ["/api/v1/pods", { resource: "pods" }],
    ["/api/v1/namespaces", { resource: "namespaces" }],
    ["/api/v1/namespaces/team", { resource: "namespaces", name: "team" }],
    ["/api/v1/namespaces/team/status", { resource: "namespaces", name: "team", subresource: "status" }],
    ["/api/v1/namespaces/default/pods", { resource: "pods", namespace: "default" }],
    ["/api/v1/namespaces/default/pods/p1", { resource: "pods", namespace: "default", name: "p1" }],
    [
      "/api/v1/namespaces/default/pods/p1/log",
      { resource: "pods", namespace: "default", name: "p1", subresource: "log" },
    ],
    [
      "/api/v1/namespaces/default/pods/p1/eviction",
      { resource: "pods", namespace: "default", name: "p1", subresource: "eviction" },
    ],
    ["/api/v1/namespaces/default/events", { resource: "events", namespace: "default" }],
    ["/apis/apps/v1/daemonsets", { resource: "daemonsets" }],
    [
      "/apis/apps/v1/namespaces/default/daemonsets/nginx/status",
      { resource: "daemonsets", namespace: "default", name: "nginx", subresource: "status" },
    ],
    [
      "/apis/apps/v1/namespaces/kube-system/controllerrevisions",
      { resource: "controllerrevisions", namespace: "kube-system" },
    ],
    ["/api/v1/namespaces/default/pods/a%20b", { resource: "pods", namespace: "default", name: "a b" }],
  ])("%s", (path, expected) => {
    const t = parseResourcePath(path);
    expect(t).toBeDefined();
    expect({
      resource: t?.info.resource,
      namespace: t?.namespace,
      name: t?.name,
      subresource: t?.subresource,
    }).toEqual({
      namespace: undefined,
      name: undefined,
      subresource: undefined,
      ...expected,
    });
  });

  it.each([
    "/api",
    "/api/v1",
    "/api/v1/services",
    "/api/v1/daemonsets",
    "/apis/apps/v1/pods",
    "/apis/apps/v2/daemonsets",
    "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1",
    "/api/v1/pods/p1",
    "/api/v1/nodes/n1/log",
    "/api/v1/namespaces/default/pods/p1/exec",
    "/api/v1/namespaces/default/pods/p1/log/extra",
    "/apis/apps/v1/namespaces/default/daemonsets/nginx/eviction",
    "/version",
  ])("%s is not served", (path) => {
    expect(parseResourcePath(path)).toBeUndefined();
  });
});
