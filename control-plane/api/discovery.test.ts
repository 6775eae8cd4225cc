import { describe, expect, it } from "vitest";
import {
  AGGREGATED_CONTENT_TYPE_V2,
  AGGREGATED_CONTENT_TYPE_V2BETA1,
  negotiateDiscovery,
} from "./discovery.js";

const KUBECTL_132 = `${AGGREGATED_CONTENT_TYPE_V2},${AGGREGATED_CONTENT_TYPE_V2BETA1},application/json`;
const KUBECTL_129 = `${AGGREGATED_CONTENT_TYPE_V2BETA1},application/json`;

describe("negotiateDiscovery", () => {
  it.each([
    ["kubectl 1.30+ (v2 first)", KUBECTL_132, "v2"],
    ["kubectl <= 1.29 asks only for v2beta1", KUBECTL_129, "v2beta1"],
    [
      "spaces after commas and semicolons",
      "application/json; g=apidiscovery.k8s.io; v=v2; as=APIGroupDiscoveryList, application/json",
      "v2",
    ],
    [
      "q values outrank order",
      `${AGGREGATED_CONTENT_TYPE_V2};q=0.5,${AGGREGATED_CONTENT_TYPE_V2BETA1}`,
      "v2beta1",
    ],
    [
      "an unknown version",
      "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json",
      "legacy",
    ],
    ["plain json", "application/json, */*", "legacy"],
    ["client-node", "application/json, */*;q=0.8", "legacy"],
    ["no header", undefined, "legacy"],
  ])("%s", (_name, accept, expected) => {
    expect(negotiateDiscovery(accept)).toBe(expected);
  });
});

describe("aggregated discovery", () => {
  it("content types are exactly what kubectl checks", () => {
    expect(AGGREGATED_CONTENT_TYPE_V2).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    );
    expect(AGGREGATED_CONTENT_TYPE_V2BETA1).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
  });
});
