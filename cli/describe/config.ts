// `describe secret|configmap`: kubectl's layout. A Secret's values are never printed, only
// their sizes (and the last-applied annotation, which would hold them, is left out as
// kubectl leaves it out).

import type { KubeEvent } from "../../shared/api-types.js";
import type { ConfigMap, Secret } from "../../shared/config-types.js";
import { DescribeWriter, writeAnnotations, writeEvents, writeLabels } from "./common.js";

function header(w: DescribeWriter, o: ConfigMap | Secret): void {
  w.write(0, `Name:\t${o.metadata.name ?? ""}\n`);
  w.write(0, `Namespace:\t${o.metadata.namespace ?? ""}\n`);
  writeLabels(w, "Labels", o.metadata.labels);
  writeAnnotations(w, "Annotations", o.metadata.annotations);
}

const sortedKeys = (m: Record<string, string> | undefined): string[] => Object.keys(m ?? {}).sort();

export function describeSecret(s: Secret): string {
  const w = new DescribeWriter();
  header(w, s);
  w.write(0, `\nType:\t${s.type ?? ""}\n\nData\n====\n`);
  for (const k of sortedKeys(s.data)) {
    const bytes = Buffer.from(s.data?.[k] ?? "", "base64").length;
    w.write(0, `${k}:\t${bytes} bytes\n`);
  }
  return w.toString();
}

export function describeConfigMap(cm: ConfigMap, events: KubeEvent[] | undefined, nowMs: number): string {
  const w = new DescribeWriter();
  header(w, cm);
  w.write(0, `\nData\n====\n`);
  for (const k of sortedKeys(cm.data)) w.write(0, `${k}:\n----\n${cm.data?.[k] ?? ""}\n`);
  w.write(0, `\nBinaryData\n====\n`);
  for (const k of sortedKeys(cm.binaryData))
    w.write(0, `${k}: ${Buffer.from(cm.binaryData?.[k] ?? "", "base64").length} bytes\n`);
  w.write(0, "\n");
  writeEvents(w, events, nowMs);
  return w.toString();
}
