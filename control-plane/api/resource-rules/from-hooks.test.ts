import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../shared/api-types.js";
import { EverynodeError, fieldError } from "../../../shared/errors.js";
import type { KindDescription } from "../../kube/index.js";
import { configMapKind } from "../../kube/kinds/configmap.js";
import { ruleFromHooks } from "./from-hooks.js";

// The README's worked example, with hooks of the test's own.
const configMaps = (hooks: KindDescription["hooks"]): KindDescription => ({ ...configMapKind, hooks });

const cm = (data: Record<string, string>): KubeObject => ({
  metadata: { name: "settings", namespace: "default" },
  data,
});

describe("ruleFromHooks", () => {
  const rule = ruleFromHooks(
    configMaps({
      defaults: (o) => ({ ...o, data: { mode: "fast", ...(o["data"] as object) } }),
      validate: (o, old) => [
        ...(JSON.stringify(o).length > 200 ? [fieldError.tooLong("data", 200)] : []),
        ...(old && (old["data"] as any).locked ? [fieldError.forbidden("data", "locked")] : []),
      ],
    }),
  );

  it("fills in defaults, then validates", () => {
    expect(rule.prepareCreate(cm({ a: "1" }))["data"]).toEqual({ mode: "fast", a: "1" });
    expect(() => rule.prepareCreate(cm({ a: "x".repeat(300) }))).toThrow(EverynodeError);
  });

  it("answers a 422 naming the kind, the object and each field", () => {
    try {
      rule.prepareCreate(cm({ a: "x".repeat(300) }));
      expect.unreachable();
    } catch (e) {
      const err = e as EverynodeError;
      expect(err.code).toBe("Invalid");
      expect(err.message).toMatch(/^ConfigMap "settings" is invalid: data: Too long/);
    }
  });

  it("validates an update against the stored object", () => {
    expect(() => rule.prepareUpdate(cm({ a: "2" }), cm({ a: "1" }), undefined)).not.toThrow();
    expect(() => rule.prepareUpdate(cm({ a: "2" }), cm({ locked: "y" }), undefined)).toThrow(/locked/);
  });

  it("stores what it is given when the kind has no hooks", () => {
    const plain = ruleFromHooks(configMaps({}));
    const object = cm({ a: "1" });
    expect(plain.prepareCreate(object)).toBe(object);
    expect(plain.refused).toBeUndefined();
  });
});
