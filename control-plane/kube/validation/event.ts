// v1 Event: typed fields, Kubernetes' size limits (reason 128, message 1024), timestamps
// that parse as RFC 3339 and are not in the future beyond clock skew, and an involvedObject
// in the event's namespace. Events are printed in every `kubectl get events` and kept until
// they expire, so none may hold what cannot be printed or expired.

import type { KubeEvent } from "../../../shared/api-types.js";
import { fieldError, type FieldError } from "../../../shared/errors.js";
import { EVENT_LIMITS as L } from "../../../shared/limits.js";
import { humanAge } from "../../../shared/duration.js";
import { boundedString, intField, timestampField } from "./bounded.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./metadata.js";
import { isObject, typeInvalid, type Obj } from "./util.js";

export const EVENT_TYPES = ["Normal", "Warning"];

const REFERENCE_KEYS = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

function validateReference(v: unknown, path: string, errs: FieldError[], required: boolean): Obj | undefined {
  if (v === undefined || v === null) {
    if (required) errs.push(fieldError.required(path));
    return undefined;
  }
  if (!isObject(v)) {
    errs.push(typeInvalid(path, v, "an object"));
    return undefined;
  }
  for (const key of REFERENCE_KEYS) {
    boundedString(v[key], `${path}.${key}`, L.reference, errs, { required: required && key === "kind" });
  }
  return v;
}

/** A timestamp that parses and is not further ahead of `now` than clock skew explains. */
function notFuture(v: unknown, path: string, now: number, errs: FieldError[]): void {
  const at = timestampField(v, path, errs);
  if (at !== undefined && at > now + L.maxFutureSkewMs) {
    errs.push(
      fieldError.invalid(path, v, `must not be more than ${humanAge(L.maxFutureSkewMs)} in the future`),
    );
  }
}

/** Kubernetes' rule: a namespaced object's events live in its namespace, others' in default. */
function namespaceAgrees(event: KubeEvent, involved: Obj, errs: FieldError[]): void {
  const ns = event.metadata?.namespace ?? "";
  const refNs = typeof involved.namespace === "string" ? involved.namespace : "";
  const ok = refNs === "" ? ns === "" || ns === "default" : ns === refNs;
  if (!ok) errs.push(fieldError.invalid("involvedObject.namespace", refNs, "does not match event.namespace"));
}

/** Every problem of an event; `now` is the server's clock. With `old`, also the update rules. */
export function validateEvent(event: KubeEvent, now: number, old?: KubeEvent): FieldError[] {
  const errs = validateObjectMeta(event.metadata, { namespaced: true, nameRule: "subdomain" });
  if (old) errs.push(...validateObjectMetaUpdate(event.metadata, old.metadata));
  const size = Buffer.byteLength(JSON.stringify(event));
  if (size > L.totalBytes) {
    // Nothing else is read: an oversized event is refused whole.
    return [...errs, fieldError.tooLong("event", L.totalBytes)];
  }
  const e = event as unknown as Obj;
  const involved = validateReference(e.involvedObject, "involvedObject", errs, true);
  if (involved) namespaceAgrees(event, involved, errs);
  validateReference(e.related, "related", errs, false);
  boundedString(e.reason, "reason", L.short, errs);
  boundedString(e.message, "message", L.message, errs);
  boundedString(e.action, "action", L.short, errs);
  boundedString(e.reportingComponent, "reportingComponent", L.short, errs);
  boundedString(e.reportingInstance, "reportingInstance", L.short, errs);
  const type = boundedString(e.type, "type", L.short, errs);
  if (type && !EVENT_TYPES.includes(type)) errs.push(fieldError.notSupported("type", type, EVENT_TYPES));
  if (e.source !== undefined && e.source !== null) {
    if (!isObject(e.source)) errs.push(typeInvalid("source", e.source, "an object"));
    else {
      boundedString(e.source.component, "source.component", L.reference, errs);
      boundedString(e.source.host, "source.host", L.reference, errs);
    }
  }
  intField(e.count, "count", errs, 0, 2 ** 31 - 1);
  notFuture(e.firstTimestamp, "firstTimestamp", now, errs);
  notFuture(e.lastTimestamp, "lastTimestamp", now, errs);
  notFuture(e.eventTime, "eventTime", now, errs);
  if (e.series !== undefined && e.series !== null) {
    if (!isObject(e.series)) errs.push(typeInvalid("series", e.series, "an object"));
    else {
      intField(e.series.count, "series.count", errs, 0, 2 ** 31 - 1);
      notFuture(e.series.lastObservedTime, "series.lastObservedTime", now, errs);
    }
  }
  return errs;
}
