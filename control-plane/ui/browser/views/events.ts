// Recent events, newest first, as `kubectl get events --sort-by=.lastTimestamp` shows them
// (reversed).

import type { KubeEvent } from "../../../../shared/api-types.js";
import { age, table } from "../dom.js";

const when = (e: KubeEvent): string => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? "";

export function recentEvents(items: readonly KubeEvent[], max = 20): KubeEvent[] {
  return [...items].sort((a, b) => when(b).localeCompare(when(a))).slice(0, max);
}

export function eventsTable(items: readonly KubeEvent[]): HTMLElement {
  return table(
    ["Last seen", "Type", "Reason", "Object", "Message", "Count"],
    items.map((e) => [
      age(when(e)),
      e.type ?? "",
      e.reason ?? "",
      `${(e.involvedObject.kind ?? "").toLowerCase()}/${e.involvedObject.name ?? ""}`,
      e.message ?? "",
      e.count ?? 1,
    ]),
    "data events",
  );
}
