// `describe namespace`: kubectl's layout; everynode serves no quotas or limit ranges, so, as
// kubectl does then, those sections are left out.

import type { Namespace } from "../../shared/api-types.js";
import { DescribeWriter, writeAnnotations, writeLabels } from "./common.js";

/** The whole description of a namespace. */
export function describeNamespace(ns: Namespace): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ns.metadata.name ?? ""}\n`);
  writeLabels(w, "Labels", ns.metadata.labels);
  writeAnnotations(w, "Annotations", ns.metadata.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? "Active"}\n`);
  return w.toString();
}
