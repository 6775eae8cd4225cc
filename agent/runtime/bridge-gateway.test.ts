import { describe, expect, it } from "vitest";
import { bridgeGatewayOf } from "./bridge-gateway.js";

describe("bridgeGatewayOf", () => {
  it.each([
    ["the gateway Docker lists", [{ Subnet: "172.17.0.0/16", Gateway: "172.17.0.1" }], "172.17.0.1"],
    [
      "a listed gateway that is not the first address",
      [{ Subnet: "10.9.0.0/24", Gateway: "10.9.0.254" }],
      "10.9.0.254",
    ],
    ["only a subnet (docker.io 20.10): its first address", [{ Subnet: "172.17.0.0/16" }], "172.17.0.1"],
    ["a subnet written from inside it", [{ Subnet: "192.168.77.130/25" }], "192.168.77.129"],
    [
      "an IPv6 subnet first, then an IPv4 one",
      [{ Subnet: "fd00::/64" }, { Subnet: "10.1.2.0/24" }],
      "10.1.2.1",
    ],
    ["nothing usable", [{ Subnet: "fd00::/64" }, { Subnet: "junk" }], undefined],
    ["no config", undefined, undefined],
  ])("%s", (_, config, expected) => {
    expect(bridgeGatewayOf(config)).toBe(expected);
  });
});
