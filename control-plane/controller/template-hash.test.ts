import { describe, expect, it } from "vitest";
import type { PodTemplateSpec } from "../../shared/api-types.js";
import { canonicalJson, templateHash } from "./template-hash.js";

const template: PodTemplateSpec = {
  metadata: { labels: { app: "web", tier: "edge" } },
  spec: { containers: [{ name: "web", image: "everynode/web:test", ports: [{ containerPort: 80 }] }] },
};

describe("templateHash", () => {
  it("uses only the safe alphabet and at most 10 characters", () => {
    const h = templateHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it("is stable across runs (a pinned value)", () => {
    // FNV-32a of {"spec":{"containers":[{"name":"a"}]}} is 1624067186. The hash names ControllerRevisions stored on disk: it must never change between versions.
    expect(templateHash({ spec: { containers: [{ name: "a" }] } })).toBe(
      templateHash({ spec: { containers: [{ name: "a" }] } }),
    );
    expect(templateHash({ spec: { containers: [{ name: "a" }] } })).toBe("5b684bc5db");
  });

  it("does not depend on key order", () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ ports: [{ containerPort: 80 }], image: "everynode/web:test", name: "web" }] },
      metadata: { labels: { tier: "edge", app: "web" } },
    };
    expect(templateHash(reordered)).toBe(templateHash(template));
  });

  it("changes when the template changes", () => {
    const changed = structuredClone(template);
    changed.spec.containers[0]!.image = "everynode/web:v2";
    expect(templateHash(changed)).not.toBe(templateHash(template));
  });

  it("changes with the collision count", () => {
    expect(templateHash(template, 1)).not.toBe(templateHash(template));
    expect(templateHash(template, 1)).not.toBe(templateHash(template, 2));
    expect(templateHash(template, 0)).toBe(templateHash(template));
  });
});

describe("canonicalJson", () => {
  it.each([
    [{ b: 1, a: [{ d: 1, c: 2 }] }, '{"a":[{"c":2,"d":1}],"b":1}'],
    [{ a: undefined, b: null }, '{"b":null}'],
    ["x", '"x"'],
  ])("%j → %s", (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});
