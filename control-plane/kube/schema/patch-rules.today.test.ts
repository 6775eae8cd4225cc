// Today's strategic merge patch tests, run with the derived rules in place of the
// hand-written strategic-schema.ts: the switch of phase 2, tried out.

import { vi } from "vitest";

vi.mock("../../api/patch/strategic-schema.js", async () => {
  const { REGISTRY } = await import("../kinds/index.js");
  const { patchSchemaOf } = await import("./patch-rules.js");
  return { patchSchemaFor: (resource: string) => patchSchemaOf(REGISTRY, resource) };
});

await import("../../api/patch/strategic-merge-patch.test.js");
await import("../../api/patch/strategic-schema.test.js");
