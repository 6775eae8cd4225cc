import { describe, expect, it } from "vitest";
import type { FieldError } from "../../../shared/errors.js";
import { C, causes, inv, req, unsupported, type Mutation, NAME_PART_MSG } from "./test-helpers.js";

describe("validateDaemonSet: env", () => {
  const E = `${C}.env[0]`;
  const fieldRef =
    (fieldPath: string): Mutation =>
    (_d, _p, c) =>
      (c.env = [{ name: "X", valueFrom: { fieldRef: { fieldPath } } }]);
  it.each<[string, Mutation, FieldError]>([
    ["missing name", (_d, _p, c) => (c.env = [{ value: "x" }]), req(`${E}.name`)],
    [
      "name starting with a digit",
      (_d, _p, c) => (c.env = [{ name: "1VAR", value: "x" }]),
      inv(
        `${E}.name`,
        '"1VAR"',
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      ),
    ],
    [
      "fieldRef to a path env cannot read",
      fieldRef("status.phase"),
      unsupported(
        `${E}.valueFrom.fieldRef.fieldPath`,
        "status.phase",
        '"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      ),
    ],
    [
      "fieldRef to an unknown path",
      fieldRef("spec.nodename"),
      inv(
        `${E}.valueFrom.fieldRef.fieldPath`,
        '"spec.nodename"',
        "error converting fieldPath: field label not supported: spec.nodename",
      ),
    ],
    [
      "fieldRef to a bad label key",
      fieldRef("metadata.labels['a b']"),
      inv(`${E}.valueFrom.fieldRef`, '"a b"', NAME_PART_MSG),
    ],
    [
      "fieldRef subscript on a plain field",
      fieldRef("metadata.name['x']"),
      inv(`${E}.valueFrom.fieldRef`, '"metadata.name"', "does not support subscript"),
    ],
    [
      "valueFrom with no source",
      (_d, _p, c) => (c.env = [{ name: "X", valueFrom: {} }]),
      inv(
        `${E}.valueFrom`,
        '""',
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    ],
    [
      "value and valueFrom",
      (_d, _p, c) =>
        (c.env = [{ name: "X", value: "a", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }]),
      inv(`${E}.valueFrom`, '""', "may not be specified when `value` is not empty"),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });

  it.each([
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "metadata.labels['app']",
    "metadata.annotations['x.io/y']",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.podIP",
    "status.podIPs",
    "status.hostIPs",
  ])("fieldRef %s is supported", (path) => {
    expect(causes(fieldRef(path))).toEqual([]);
  });
});
