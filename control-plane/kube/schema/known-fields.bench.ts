// The strict-fields walk runs on every write: today's hand-written check against the
// registry's compiled trees, on a typical DaemonSet (the apiserver's, with status and the
// last-applied annotation) and on the fluent-bit manifest. `npx vitest bench --run <this file>`.

import { bench, describe } from "vitest";
import { unknownFields } from "../../api/known-fields.js";
import { APISERVER_DAEMONSET, validManifests } from "../../api/validation/test-manifests.js";
import { REGISTRY } from "../kinds/index.js";
import { fieldTrees, findUnknownFields } from "./known-fields.js";

const tree = fieldTrees(REGISTRY).get("daemonsets");
if (!tree) throw new Error("no DaemonSet tree");
const fluentBit = validManifests().find(([name]) => name === "fluent-bit")?.[1];

describe.each([
  ["apiserver DaemonSet", APISERVER_DAEMONSET],
  ["fluent-bit DaemonSet", fluentBit],
])("%s", (_name, body) => {
  bench("today: api/known-fields.ts", () => {
    unknownFields("daemonsets", body);
  });
  bench("registry: kube/schema/known-fields.ts", () => {
    findUnknownFields(tree, body);
  });
});
