import { describe, expect, it } from "vitest";
import type { KubeEvent } from "../../../shared/api-types.js";
import { validateEvent } from "./event.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

function event(): KubeEvent {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "web-1.abc", namespace: "default" },
    involvedObject: {
      kind: "Pod",
      namespace: "default",
      name: "web-1",
      uid: "u-1",
      fieldPath: "spec.containers{web}",
    },
    reason: "Started",
    message: "Started container web",
    source: { component: "kubelet", host: "node-a" },
    firstTimestamp: "2026-12-01T11:59:00Z",
    lastTimestamp: "2026-12-01T12:00:00Z",
    eventTime: null,
    count: 1,
    type: "Normal",
    reportingComponent: "kubelet",
    reportingInstance: "node-a",
  };
}

describe("validateEvent", () => {
  it("accepts a kubelet's event, a node's event in default, and a timestamp a few minutes ahead", () => {
    expect(validateEvent(event(), NOW)).toEqual([]);
    const nodeEvent = { ...event(), involvedObject: { kind: "Node", name: "node-a" } };
    expect(validateEvent(nodeEvent, NOW)).toEqual([]);
    expect(validateEvent({ ...event(), lastTimestamp: "2026-12-01T12:09:00Z" }, NOW)).toEqual([]);
  });

  it.each<[string, (e: any) => void, string, string]>([
    ["no involvedObject", (e) => delete e.involvedObject, "involvedObject", "FieldValueRequired"],
    [
      "involvedObject as a string",
      (e) => (e.involvedObject = "pod/web"),
      "involvedObject",
      "FieldValueTypeInvalid",
    ],
    [
      "a kind that is a number",
      (e) => (e.involvedObject.kind = 5),
      "involvedObject.kind",
      "FieldValueTypeInvalid",
    ],
    ["no kind", (e) => delete e.involvedObject.kind, "involvedObject.kind", "FieldValueRequired"],
    [
      "a name that is an object",
      (e) => (e.involvedObject.name = {}),
      "involvedObject.name",
      "FieldValueTypeInvalid",
    ],
    [
      "an involved object of another namespace",
      (e) => (e.involvedObject.namespace = "kube-system"),
      "involvedObject.namespace",
      "FieldValueInvalid",
    ],
    [
      "a cluster object's event outside default",
      (e) => {
        e.metadata.namespace = "kube-system";
        e.involvedObject = { kind: "Node", name: "node-a" };
      },
      "involvedObject.namespace",
      "FieldValueInvalid",
    ],
    [
      "a lastTimestamp that is no date",
      (e) => (e.lastTimestamp = "not-a-date"),
      "lastTimestamp",
      "FieldValueInvalid",
    ],
    [
      "a firstTimestamp that is a number",
      (e) => (e.firstTimestamp = 1),
      "firstTimestamp",
      "FieldValueTypeInvalid",
    ],
    [
      "a lastTimestamp in a year",
      (e) => (e.lastTimestamp = "2027-12-01T12:00:00Z"),
      "lastTimestamp",
      "FieldValueInvalid",
    ],
    [
      "an eventTime in 2099",
      (e) => (e.eventTime = "2099-01-01T00:00:00.000000Z"),
      "eventTime",
      "FieldValueInvalid",
    ],
    [
      "a series observed in the future",
      (e) => (e.series = { count: 2, lastObservedTime: "2030-01-01T00:00:00Z" }),
      "series.lastObservedTime",
      "FieldValueInvalid",
    ],
    ["a message of 1025 bytes", (e) => (e.message = "m".repeat(1025)), "message", "FieldValueTooLong"],
    ["a reason of 129 bytes", (e) => (e.reason = "R".repeat(129)), "reason", "FieldValueTooLong"],
    ["a type Danger", (e) => (e.type = "Danger"), "type", "FieldValueNotSupported"],
    ["a count of -1", (e) => (e.count = -1), "count", "FieldValueInvalid"],
    ["a count as a string", (e) => (e.count = "3"), "count", "FieldValueTypeInvalid"],
    ["a source that is a list", (e) => (e.source = []), "source", "FieldValueTypeInvalid"],
    ["a source host of 1 KiB", (e) => (e.source.host = "h".repeat(1024)), "source.host", "FieldValueTooLong"],
    [
      "an event of more than 16 KiB",
      (e) => (e.metadata.annotations = { big: "x".repeat(17 * 1024) }),
      "event",
      "FieldValueTooLong",
    ],
    [
      "a name that is no subdomain",
      (e) => (e.metadata.name = "Bad Name"),
      "metadata.name",
      "FieldValueInvalid",
    ],
  ])("refuses %s", (_what, mutate, field, type) => {
    const e = event();
    mutate(e);
    expect(validateEvent(e, NOW).map((x) => [x.field, x.type])).toContainEqual([field, type]);
  });

  it("tells how far ahead a timestamp may be", () => {
    const e = { ...event(), lastTimestamp: "2027-12-01T12:00:00Z" };
    expect(validateEvent(e, NOW)).toEqual([
      {
        type: "FieldValueInvalid",
        field: "lastTimestamp",
        message: 'Invalid value: "2027-12-01T12:00:00Z": must not be more than 10m in the future',
      },
    ]);
  });

  it("on update, keeps the name", () => {
    const old = event();
    const next = { ...event(), metadata: { ...old.metadata, name: "other" } };
    expect(validateEvent(next, NOW, old).map((x) => x.field)).toContain("metadata.name");
  });
});
