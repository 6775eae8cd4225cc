import { describe, expect, it } from "vitest";
import { apiServiceEnv, podApiEndpoints } from "./api-endpoint.js";

describe("podApiEndpoints", () => {
  it.each([
    ["https://127.0.0.1:6443", "172.17.0.1", "127.0.0.1:6443", "172.17.0.1:6443"],
    ["https://localhost:7000", "172.17.0.1", "localhost:7000", "172.17.0.1:7000"],
    ["https://[::1]:6443", "172.17.0.1", "::1:6443", "172.17.0.1:6443"],
    ["https://127.0.0.1:6443", undefined, "127.0.0.1:6443", "127.0.0.1:6443"],
    ["https://10.0.0.5:6443", "172.17.0.1", "10.0.0.5:6443", "10.0.0.5:6443"],
    ["https://control-plane:6443", "172.17.0.1", "control-plane:6443", "control-plane:6443"],
    ["https://api.example", undefined, "api.example:443", "api.example:443"],
  ])("server %s, bridge gateway %s: host network %s, bridged %s", (url, gw, host, bridge) => {
    const e = podApiEndpoints(url, gw)!;
    expect(`${e.hostNetwork.host}:${e.hostNetwork.port}`).toBe(host);
    expect(`${e.bridge.host}:${e.bridge.port}`).toBe(bridge);
  });
});

it("gives nothing without a server URL (a node leaving before it joined)", () => {
  expect(podApiEndpoints("", "172.17.0.1")).toBeUndefined();
});

describe("apiServiceEnv", () => {
  it("names the kubelet's variables for the kubernetes Service", () => {
    expect(Object.fromEntries(apiServiceEnv({ host: "172.17.0.1", port: 6443 }))).toEqual({
      KUBERNETES_SERVICE_HOST: "172.17.0.1",
      KUBERNETES_SERVICE_PORT: "6443",
      KUBERNETES_SERVICE_PORT_HTTPS: "6443",
      KUBERNETES_PORT: "tcp://172.17.0.1:6443",
      KUBERNETES_PORT_6443_TCP: "tcp://172.17.0.1:6443",
      KUBERNETES_PORT_6443_TCP_PROTO: "tcp",
      KUBERNETES_PORT_6443_TCP_PORT: "6443",
      KUBERNETES_PORT_6443_TCP_ADDR: "172.17.0.1",
    });
    expect(apiServiceEnv({ host: "::1", port: 443 })[3]).toEqual(["KUBERNETES_PORT", "tcp://[::1]:443"]);
  });
});
