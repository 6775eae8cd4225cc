import { describe, expect, it } from "vitest";
import { describeConfigMap, describeSecret } from "./config.js";

// The expected texts are kubectl 1.33's `describe` of the same objects against everynode.
describe("describe secret|configmap", () => {
  it("prints a Secret's sizes, never its values or its last-applied annotation", () => {
    const text = describeSecret({
      metadata: {
        name: "s",
        namespace: "default",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"stringData":{"a":"b"}}' },
      },
      type: "Opaque",
      data: { a: "Yg==" },
    });
    expect(text).toBe(
      [
        "Name:         s",
        "Namespace:    default",
        "Labels:       <none>",
        "Annotations:  <none>",
        "",
        "Type:  Opaque",
        "",
        "Data",
        "====",
        "a:  1 bytes",
        "",
      ].join("\n"),
    );
    expect(text).not.toContain("Yg==");
  });

  it("prints a ConfigMap's data", () => {
    const text = describeConfigMap(
      { metadata: { name: "c", namespace: "default" }, data: { a: "b" } },
      [],
      Date.parse("2026-12-01T12:00:00Z"),
    );
    expect(text).toBe(
      [
        "Name:         c",
        "Namespace:    default",
        "Labels:       <none>",
        "Annotations:  <none>",
        "",
        "Data",
        "====",
        "a:",
        "----",
        "b",
        "",
        "BinaryData",
        "====",
        "",
        "Events:  <none>",
        "",
      ].join("\n"),
    );
  });
});
