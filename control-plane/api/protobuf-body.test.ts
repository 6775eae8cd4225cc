import { describe, expect, it } from "vitest";
import type { EverynodeError } from "../../shared/errors.js";
import { decodeBody } from "./body.js";
import { decodeProtobufBody } from "./protobuf-body.js";

/** The body `kubectl create namespace xx2` (1.32) sends, byte for byte (from `-v=9`). */
const CREATE_NAMESPACE = Buffer.from(
  "6b3873000a0f0a02763112094e616d657370616365121b0a130a03787832" +
    "12001a0022002a0032003800420012001a020a001a002200",
  "hex",
);

function statusOf(fn: () => unknown): number {
  try {
    fn();
    return 0;
  } catch (e) {
    return (e as EverynodeError).httpStatus;
  }
}

/** A protobuf envelope around `raw`, of the given kind. */
function envelope(kind: string, raw: Buffer): Buffer {
  const s = (no: number, b: Buffer): Buffer => Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
  const typeMeta = Buffer.concat([s(1, Buffer.from("v1")), s(2, Buffer.from(kind))]);
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), s(1, typeMeta), s(2, raw)]);
}

describe("decodeProtobufBody", () => {
  it("reads the Namespace kubectl create namespace sends", () => {
    expect(decodeBody(CREATE_NAMESPACE, "application/vnd.kubernetes.protobuf")).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "xx2" },
      spec: {},
    });
  });

  it("reads labels and annotations", () => {
    const s = (no: number, b: Buffer): Buffer => Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
    const entry = (no: number, k: string, v: string): Buffer =>
      s(no, Buffer.concat([s(1, Buffer.from(k)), s(2, Buffer.from(v))]));
    const meta = Buffer.concat([
      s(1, Buffer.from("team")),
      entry(11, "env", "prod"),
      entry(12, "note", "hi"),
    ]);
    expect(decodeProtobufBody(envelope("Namespace", s(1, meta)))).toMatchObject({
      metadata: { name: "team", labels: { env: "prod" }, annotations: { note: "hi" } },
    });
  });

  it("reads DeleteOptions", () => {
    const raw = Buffer.concat([
      Buffer.from([0x08, 0x00]),
      Buffer.from([0x22, 10]),
      Buffer.from("Foreground"),
    ]);
    expect(decodeProtobufBody(envelope("DeleteOptions", raw))).toEqual({
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      propagationPolicy: "Foreground",
    });
  });

  it("keeps what the body carries, even false and empty, and nothing it does not", () => {
    // gracePeriodSeconds -1 (a ten-byte varint), preconditions {uid ""}, orphanDependents false, dryRun [All].
    const raw = Buffer.concat([
      Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      Buffer.from([0x12, 0x02, 0x0a, 0x00]),
      Buffer.from([0x18, 0x00]),
      Buffer.from([0x2a, 0x03]),
      Buffer.from("All"),
    ]);
    expect(decodeProtobufBody(envelope("DeleteOptions", raw))).toEqual({
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: -1,
      preconditions: { uid: "" },
      orphanDependents: false,
      dryRun: ["All"],
    });
  });

  it("keeps a __proto__ label as a key, for validation to refuse", () => {
    const s = (no: number, b: Buffer): Buffer => Buffer.concat([Buffer.from([(no << 3) | 2, b.length]), b]);
    const entry = s(11, Buffer.concat([s(1, Buffer.from("__proto__")), s(2, Buffer.from("x"))]));
    const ns = decodeProtobufBody(
      envelope("Namespace", s(1, Buffer.concat([s(1, Buffer.from("a")), entry]))),
    );
    const labels = (ns as any).metadata.labels;
    expect(Object.hasOwn(labels, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });

  it.each<[string, Buffer, number]>([
    ["no envelope", Buffer.from([0x0a, 0x00]), 415],
    ["an invalid wire type", envelope("Namespace", Buffer.from([0x7f, 0x00])), 400],
    ["an unsupported kind", envelope("DaemonSet", Buffer.alloc(0)), 415],
    ["a truncated body", CREATE_NAMESPACE.subarray(0, 30), 400],
  ])("%s is a %d", (_what, raw, code) => {
    expect(statusOf(() => decodeProtobufBody(raw))).toBe(code);
  });
});
