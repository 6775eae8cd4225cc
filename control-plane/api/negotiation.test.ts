import { describe, expect, it } from "vitest";
import { tableVersion } from "./negotiation.js";

describe("tableVersion", () => {
  it.each([
    [
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
      "v1",
    ],
    ["application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json", "v1beta1"],
    ["application/json; as=Table; g=meta.k8s.io; v=v1", "v1"],
    ["application/json", undefined],
    ["application/vnd.kubernetes.protobuf,application/json", undefined],
    ["application/json, */*", undefined],
    ["application/json;as=Table;v=v2;g=meta.k8s.io", undefined],
    ["application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io", undefined],
    [undefined, undefined],
  ])("%s → %s", (accept, expected) => {
    expect(tableVersion(accept)).toBe(expected);
  });
});
