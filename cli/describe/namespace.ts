// `describe namespace`: kubectl's layout (everynode has no quotas or limit ranges).

import type { Namespace } from "../../shared/api-types.js";
import { DescribeWriter, writeAnnotations, writeLabels } from "./common.js";

/** The whole description of a namespace. */
export function describeNamespace(ns: Namespace): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ns.metadata.name ?? ""}\n`);
  writeLabels(w, "Labels", ns.metadata.labels);
  writeAnnotations(w, "Annotations", ns.metadata.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? "Active"}\n`);
  w.write(0, "\nNo resource quota.\n");
  w.write(0, "\nNo LimitRange resource.\n");
  return w.toString();
}
