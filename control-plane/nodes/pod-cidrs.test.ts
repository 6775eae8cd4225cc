import { describe, expect, it } from "vitest";
import { nextPodCidr, parseClusterCidr } from "./pod-cidrs.js";

describe("parseClusterCidr", () => {
  it.each([
    ["10.244.0.0/16", 24, { base: 0x0af40000, prefix: 16, nodeMask: 24 }],
    ["192.168.0.0/24", 26, { base: 0xc0a80000, prefix: 24, nodeMask: 26 }],
  ])("%s with /%i blocks", (cidr, mask, expected) => {
    expect(parseClusterCidr(cidr, mask)).toEqual(expected);
  });

  it.each([
    ["10.244.0.0", 24, /IPv4 range/],
    ["10.244.0.300/16", 24, /IPv4 range/],
    ["fd00::/64", 80, /IPv4 range/],
    ["10.244.1.0/16", 24, /host bits/],
    ["10.244.0.0/16", 8, /node-cidr-mask-size/],
    ["10.244.0.0/16", 31, /node-cidr-mask-size/],
  ])("refuses %s with /%i", (cidr, mask, message) => {
    expect(() => parseClusterCidr(cidr, mask)).toThrow(message);
  });
});

describe("nextPodCidr", () => {
  const cluster = parseClusterCidr("10.244.0.0/22", 24);
  it.each([
    [[], "10.244.0.0/24"],
    [["10.244.0.0/24"], "10.244.1.0/24"],
    [["10.244.0.0/24", "10.244.2.0/24"], "10.244.1.0/24"],
    [["10.244.1.0/24", "10.244.0.0/24", "10.244.2.0/24"], "10.244.3.0/24"],
    [["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"], undefined],
    [["172.16.0.0/24"], "10.244.0.0/24"],
  ])("after %j: %s", (taken, expected) => {
    expect(nextPodCidr(cluster, taken)).toBe(expected);
  });
});
