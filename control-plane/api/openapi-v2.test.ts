import { describe, expect, it } from "vitest";
import { acceptsOpenApiV2Protobuf } from "./openapi-v2.js";

describe("acceptsOpenApiV2Protobuf", () => {
  it.each([
    ["application/com.github.proto-openapi.spec.v2@v1.0+protobuf", true],
    ["application/com.github.proto-openapi.spec.v2.v1.0+protobuf", true],
    ["application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf", true],
    ["application/json", false],
    ["*/*", false],
    [undefined, false],
  ])("%s → %s", (accept, expected) => {
    expect(acceptsOpenApiV2Protobuf(accept)).toBe(expected);
  });
});
