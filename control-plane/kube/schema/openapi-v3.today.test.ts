// Today's OpenAPI v3 tests, run against the documents derived from the registry.

import { vi } from "vitest";

vi.mock("../../api/openapi.js", async () => {
  const { REGISTRY } = await import("../kinds/index.js");
  const v3 = await import("./openapi-v3.js");
  return {
    openApiV3Document: (gv: string) => v3.openApiV3Document(REGISTRY, gv),
    openApiV3Index: () => v3.openApiV3Index(REGISTRY),
  };
});

await import("../../api/openapi.test.js");
