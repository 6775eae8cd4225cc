import { describe, expect, it } from "vitest";
import { tableRequest, tableVersion } from "./negotiation.js";

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

describe("tableRequest", () => {
  const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  const q = (text: string): URLSearchParams => new URLSearchParams(text);

  it.each([
    ["", "Metadata"],
    ["includeObject=", "Metadata"],
    ["includeObject=Metadata", "Metadata"],
    ["includeObject=Object", "Object"],
    ["includeObject=None", "None"],
  ])("%s → %s", (query, includeObject) => {
    expect(tableRequest(TABLE, q(query))).toEqual({ version: "v1", includeObject });
  });

  it("refuses an unknown includeObject with a 400, as Kubernetes does", () => {
    expect(() => tableRequest(TABLE, q("includeObject=object"))).toThrow(
      'unrecognized includeObject value: "object"',
    );
  });

  it("reads includeObject only for a Table, as Kubernetes reads TableOptions", () => {
    expect(tableRequest("application/json", q("includeObject=bogus"))).toBeUndefined();
  });
});
