// Today's discovery tests, run against the documents derived from the registry (content
// negotiation stays today's: it belongs to the HTTP layer).

import { vi } from "vitest";
import type * as Discovery from "../../api/discovery.js";

vi.mock("../../api/discovery.js", async (importOriginal) => {
  const original = await importOriginal<typeof Discovery>();
  const { REGISTRY } = await import("../kinds/index.js");
  const mine = await import("./discovery.js");
  return {
    ...original,
    aggregatedDiscovery: (which: "api" | "apis", version: "v2" | "v2beta1") =>
      mine.aggregatedDiscovery(REGISTRY, which, version),
    legacyApiVersions: (address: string) => mine.legacyApiVersions(REGISTRY, address),
    legacyApiGroupList: () => mine.legacyApiGroupList(REGISTRY),
    apiResourceList: (gv: string) => mine.apiResourceList(REGISTRY, gv),
  };
});

await import("../../api/discovery.test.js");
