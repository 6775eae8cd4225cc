// `kubectl get` columns for namespaces, events and controller revisions.

import type { ControllerRevision, KubeEvent, Namespace } from "../../../shared/api-types.js";
import { ageColumn, ageSince, column, nameColumn, type Printer } from "./table-types.js";

/** Name, Status, Age. */
export const namespacePrinter: Printer<Namespace> = {
  columns: [nameColumn(), column("Status", "The status of the namespace"), ageColumn()],
  cells: (ns, now) => [
    ns.metadata.name ?? "",
    ns.status?.phase ?? "",
    ageSince(ns.metadata.creationTimestamp, now),
  ],
};

/** The event's source, as kubectl prints it: `component, host`. */
function eventSource(e: KubeEvent): string {
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

type EventLike = KubeEvent & { series?: { count?: number; lastObservedTime?: string } };

/**
 * Last Seen, Type, Reason, Object, Message; wide: Subobject, Source, First Seen, Count, Name
 * (the cells follow the column order, so the wide ones interleave as in `kubectl get events -o wide`).
 */
export const eventPrinter: Printer<KubeEvent> = {
  columns: [
    column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    column("Type", "Type of this event (Normal, Warning)."),
    column("Reason", "A short, machine understandable string that gives the reason for this event."),
    column("Object", "The object that this event is about."),
    column("Subobject", "The part of the object the event is about, such as a container.", { wide: true }),
    column("Source", "The component reporting this event.", { wide: true }),
    column("Message", "A human-readable description of the status of this operation."),
    column("First Seen", "The time at which the event was first recorded.", { wide: true }),
    column("Count", "The number of times this event has occurred.", { type: "integer", wide: true }),
    column("Name", "Name must be unique within a namespace.", { format: "name", wide: true }),
  ],
  cells(event, now) {
    const e = event as EventLike;
    const first = e.firstTimestamp ? ageSince(e.firstTimestamp, now) : ageSince(e.eventTime, now);
    let last = e.lastTimestamp ? ageSince(e.lastTimestamp, now) : first;
    let count = e.count ?? 0;
    if (e.series) {
      last = ageSince(e.series.lastObservedTime, now);
      count = e.series.count ?? count;
    } else if (count === 0) {
      count = 1; // a single event of the events.k8s.io API carries no count
    }
    const io = e.involvedObject ?? {};
    const kind = (io.kind ?? "").toLowerCase();
    return [
      last,
      e.type ?? "",
      e.reason ?? "",
      io.name ? `${kind}/${io.name}` : kind,
      io.fieldPath ?? "",
      eventSource(e),
      (e.message ?? "").trim(),
      first,
      count,
      e.metadata.name ?? "",
    ];
  },
};

/** `daemonset.apps/nginx` from the controller owner reference, `<none>` without one. */
function controllerOf(rev: ControllerRevision): string {
  const ref = rev.metadata.ownerReferences?.find((r) => r.controller);
  if (!ref) return "<none>";
  const slash = ref.apiVersion.indexOf("/");
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : "";
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ""}/${ref.name}`;
}

/** Name, Controller, Revision, Age. */
export const controllerRevisionPrinter: Printer<ControllerRevision> = {
  columns: [
    nameColumn(),
    column("Controller", "Controller of the object"),
    column("Revision", "Revision indicates the revision of the state represented by Data.", {
      type: "integer",
    }),
    ageColumn(),
  ],
  cells: (rev, now) => [
    rev.metadata.name ?? "",
    controllerOf(rev),
    rev.revision ?? 0,
    ageSince(rev.metadata.creationTimestamp, now),
  ],
};
