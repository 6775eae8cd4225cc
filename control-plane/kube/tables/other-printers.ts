// `kubectl get` columns for namespaces, events and controller revisions, and the default
// for a kind without a printer of its own.

import type { ControllerRevision, KubeEvent, KubeObject, Namespace } from "../../../shared/api-types.js";
import {
  ageColumn,
  ageSince,
  asText,
  column,
  nameColumn,
  safeCell,
  UNKNOWN_CELL,
  type Printer,
} from "./table-types.js";

/** Name, Age: the API server's table for a kind without columns of its own. */
export const defaultPrinter: Printer<KubeObject> = {
  columns: [nameColumn(), ageColumn()],
  cells: (o, now) => [o.metadata.name ?? "", ageSince(o.metadata.creationTimestamp, now)],
};

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
  const component = asText(e.source?.component) || asText(e.reportingComponent) || "";
  const instance = asText(e.source?.host) || asText(e.reportingInstance) || "";
  return instance ? `${component}, ${instance}` : component;
}

type EventLike = KubeEvent & { series?: { count?: number; lastObservedTime?: string } };

/** The age of a timestamp cell; a value that is not a string is odd data, not "no time". */
function ageCell(v: unknown, now: number): string {
  if (v !== undefined && v !== null && typeof v !== "string") return UNKNOWN_CELL;
  return ageSince(v, now);
}

/** `kind/name` of the involved object, kind lower-cased as kubectl prints it. */
function involved(e: KubeEvent): string {
  const io = (e.involvedObject ?? {}) as Record<string, unknown>;
  if (io.kind !== undefined && typeof io.kind !== "string") return UNKNOWN_CELL;
  if (io.name !== undefined && typeof io.name !== "string") return UNKNOWN_CELL;
  const kind = (io.kind ?? "").toLowerCase();
  return io.name ? `${kind}/${io.name}` : kind;
}

/**
 * Last Seen, Type, Reason, Object, Message; wide: Subobject, Source, First Seen, Count, Name
 * (the cells follow the column order, so the wide ones interleave as in `kubectl get events -o wide`).
 * Events come from nodes and clients: each cell is computed on its own, so an odd field
 * prints `<unknown>` in its cell and the rest of the row (and the list) still prints.
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
    const first = (): string =>
      e.firstTimestamp ? ageCell(e.firstTimestamp, now) : ageCell(e.eventTime, now);
    const last = (): string => {
      if (e.series) return ageCell(e.series.lastObservedTime, now);
      return e.lastTimestamp ? ageCell(e.lastTimestamp, now) : first();
    };
    const count = (): unknown => {
      const n = e.series ? (e.series.count ?? e.count ?? 0) : e.count;
      // A single event of the events.k8s.io API carries no count.
      if (!e.series && (n === undefined || n === 0)) return 1;
      return typeof n === "number" ? n : UNKNOWN_CELL;
    };
    return [
      safeCell(last),
      safeCell(() => e.type ?? ""),
      safeCell(() => e.reason ?? ""),
      safeCell(() => involved(e)),
      safeCell(() => e.involvedObject?.fieldPath ?? ""),
      safeCell(() => eventSource(e)),
      safeCell(() => (e.message ?? "").trim()),
      safeCell(first),
      safeCell(count),
      safeCell(() => e.metadata.name ?? ""),
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
