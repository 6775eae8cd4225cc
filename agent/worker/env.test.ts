import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { expandVars, fieldRefValue, resolveProcess } from "./env.js";

const POD: Pod = {
  metadata: {
    name: "agent-x",
    namespace: "kube-system",
    uid: "u-1",
    labels: { app: "agent" },
    annotations: { team: "infra" },
  },
  spec: { nodeName: "n1", containers: [] },
};
const FACTS = { nodeName: "n1", hostIP: "10.0.0.5", podIP: "10.0.0.5" };

describe("fieldRefValue", () => {
  it.each([
    ["spec.nodeName", "n1"],
    ["metadata.name", "agent-x"],
    ["metadata.namespace", "kube-system"],
    ["metadata.uid", "u-1"],
    ["status.hostIP", "10.0.0.5"],
    ["status.podIP", "10.0.0.5"],
    ["metadata.labels['app']", "agent"],
    ["metadata.annotations['team']", "infra"],
    ["metadata.labels['missing']", ""],
    ["spec.unknownField", undefined],
  ])("%s → %s", (path, want) => {
    expect(fieldRefValue(POD, path, FACTS)).toBe(want);
  });
});

describe("expandVars", () => {
  const vars = new Map([
    ["A", "1"],
    ["NODE", "n1"],
  ]);
  it.each([
    ["$(A)", "1"],
    ["x-$(NODE)-y", "x-n1-y"],
    ["$$(A)", "$(A)"],
    ["$(UNKNOWN)", "$(UNKNOWN)"],
    ["cost $5", "cost $5"],
    ["$(A", "$(A"],
  ])("%s → %s", (text, want) => {
    expect(expandVars(text, vars)).toBe(want);
  });
});

describe("resolveProcess", () => {
  it("resolves fieldRefs, expands earlier variables in values, command and args", () => {
    const out = resolveProcess(
      POD,
      {
        name: "c",
        env: [
          { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "GREETING", value: "hello $(NODE)" },
          { name: "EARLY", value: "$(LATER)" },
          { name: "LATER", value: "x" },
        ],
        command: ["sh", "-c"],
        args: ["echo $(GREETING) on $(NODE)"],
      },
      FACTS,
    );
    expect(out).toEqual({
      env: ["NODE=n1", "GREETING=hello n1", "EARLY=$(LATER)", "LATER=x"],
      command: ["sh", "-c"],
      args: ["echo hello n1 on n1"],
    });
  });
});

describe("resolveProcess with the API's address", () => {
  it("sets the kubernetes Service variables first; the pod's own values win, and $(VAR) reads them", () => {
    const out = resolveProcess(
      POD,
      {
        name: "c",
        env: [
          { name: "KUBERNETES_SERVICE_HOST", value: "api.internal" },
          { name: "API", value: "https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)" },
        ],
      },
      { ...FACTS, apiEndpoint: { host: "172.17.0.1", port: 6443 } },
    );
    expect(out.env.slice(0, 3)).toEqual([
      "KUBERNETES_SERVICE_HOST=api.internal",
      "KUBERNETES_SERVICE_PORT=6443",
      "KUBERNETES_SERVICE_PORT_HTTPS=6443",
    ]);
    expect(out.env).toContain("KUBERNETES_PORT_6443_TCP_ADDR=172.17.0.1");
    expect(out.env.at(-1)).toBe("API=https://api.internal:6443");
  });
});
