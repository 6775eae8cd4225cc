// v1 Event: written by the control plane and the agents, folded and expired by the recorder.

import { eventPrinter } from "../tables/other-printers.js";
import { ALL_VERBS, defineKind } from "./kind.js";

const involved = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

export const eventKind = defineKind({
  group: "",
  version: "v1",
  kind: "Event",
  listKind: "EventList",
  resource: "events",
  singular: "event",
  namespaced: true,
  shortNames: ["ev"],
  categories: [],
  verbs: ALL_VERBS,
  subresources: [],
  servedBy: "store",
  definition: "io.k8s.api.core.v1.Event",
  immutable: [],
  fieldSelectors: {
    ...Object.fromEntries(involved.map((f) => [`involvedObject.${f}`, `involvedObject.${f}`])),
    reason: "reason",
    reportingComponent: "reportingComponent",
    source: "source.component",
    type: "type",
  },
  hooks: { printer: eventPrinter },
});
