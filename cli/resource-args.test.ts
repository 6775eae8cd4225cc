import { describe, it, expect } from "vitest";
import { kindPrefix, parseResourceArgs, resourcePath, resolveType } from "./resource-args.js";
import { RESOURCES } from "../control-plane/kube/index.js";

describe("resource types as kubectl accepts them", () => {
  it.each([
    ["ds", "daemonsets"],
    ["daemonset", "daemonsets"],
    ["daemonsets", "daemonsets"],
    ["daemonsets.apps", "daemonsets"],
    ["DaemonSet", "daemonsets"],
    ["no", "nodes"],
    ["nodes", "nodes"],
    ["po", "pods"],
    ["pods", "pods"],
    ["ns", "namespaces"],
    ["ev", "events"],
    ["events", "events"],
    ["controllerrevisions", "controllerrevisions"],
  ])("%s → %s", (word, resource) => expect(resolveType(word).resource).toBe(resource));

  it.each(["deployments", "daemonsets.extensions", "svc"])("%s is unknown", (word) => {
    expect(() => resolveType(word)).toThrow(`the server doesn't have a resource type "${word}"`);
  });
});

describe("parseResourceArgs", () => {
  it("reads TYPE NAME...", () => {
    expect(parseResourceArgs(["ds", "a", "b"])).toEqual([{ info: RESOURCES.daemonsets, names: ["a", "b"] }]);
  });
  it("reads TYPE/NAME forms, grouping by type", () => {
    expect(parseResourceArgs(["ds/a", "po/x", "ds/b"])).toEqual([
      { info: RESOURCES.daemonsets, names: ["a", "b"] },
      { info: RESOURCES.pods, names: ["x"] },
    ]);
  });
  it("expands all to pods and daemonsets and reads comma lists", () => {
    expect(parseResourceArgs(["all"]).map((r) => r.info.resource)).toEqual(["pods", "daemonsets"]);
    expect(parseResourceArgs(["pods,ds"]).map((r) => r.info.resource)).toEqual(["pods", "daemonsets"]);
  });
  it("asks for a type when none is given", () => {
    expect(() => parseResourceArgs([])).toThrow(/You must specify the type of resource/);
  });
});

describe("names and paths", () => {
  it.each([
    [RESOURCES.daemonsets, "daemonset.apps"],
    [RESOURCES.pods, "pod"],
    [RESOURCES.nodes, "node"],
  ])("%o prefix", (info, prefix) => expect(kindPrefix(info)).toBe(prefix));

  it.each([
    [RESOURCES.daemonsets, "default", "nginx", "/apis/apps/v1/namespaces/default/daemonsets/nginx"],
    [RESOURCES.daemonsets, undefined, undefined, "/apis/apps/v1/daemonsets"],
    [RESOURCES.pods, "kube-system", undefined, "/api/v1/namespaces/kube-system/pods"],
    [RESOURCES.nodes, "default", "worker-1", "/api/v1/nodes/worker-1"],
  ])("%o in %s named %s → %s", (info, ns, name, p) => expect(resourcePath(info, ns, name)).toBe(p));
});
