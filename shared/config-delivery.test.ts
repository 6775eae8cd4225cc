import { describe, expect, it } from "vitest";
import { checkConfigDelivery, CONFIG_LIMITS, isConfigKey } from "./config-delivery.js";
import { decodeServerMessage } from "./protocol.js";

const object = (over: Record<string, unknown> = {}) => ({
  namespace: "ns",
  name: "conf",
  uid: "u1",
  resourceVersion: "3",
  data: { "app.conf": "x=1" },
  ...over,
});
const delivery = (over: Record<string, unknown> = {}) => ({
  configMaps: [],
  secrets: [],
  withheld: [],
  ...over,
});

describe("checkConfigDelivery", () => {
  it("takes a well-formed delivery", () => {
    const ok = delivery({
      configMaps: [object({ binaryData: { b: "AAE=" } })],
      secrets: [object({ name: "s", type: "Opaque", data: { t: "c2VjcmV0" } })],
      withheld: [{ uid: "p1", message: "over the bound" }],
    });
    expect(() => checkConfigDelivery(ok)).not.toThrow();
  });

  it.each([
    ["not an object", [], /must be an object/],
    ["an unknown field", delivery({ extra: 1 }), /unknown field extra/],
    ["a list missing", { configMaps: [], secrets: [] }, /must be lists/],
    [
      "a key that climbs out of a volume",
      delivery({ configMaps: [object({ data: { "..": "x" } })] }),
      /not a valid key/,
    ],
    ["a key with a slash", delivery({ configMaps: [object({ data: { "a/b": "x" } })] }), /not a valid key/],
    ["a name that is a path", delivery({ secrets: [object({ name: "../etc", data: {} })] }), /DNS name/],
    [
      "a Secret value not in base64",
      delivery({ secrets: [object({ data: { t: "not base64!" } })] }),
      /base64/,
    ],
    [
      "binaryData on a Secret",
      delivery({ secrets: [object({ data: {}, binaryData: {} })] }),
      /ConfigMaps only/,
    ],
    ["a type on a ConfigMap", delivery({ configMaps: [object({ type: "Opaque" })] }), /Secrets only/],
    ["a value not a string", delivery({ configMaps: [object({ data: { a: 1 } })] }), /must be a string/],
    ["an unknown object field", delivery({ configMaps: [object({ labels: {} })] }), /unknown field labels/],
    ["a withheld pod without a message", delivery({ withheld: [{ uid: "p" }] }), /uid and a message/],
    [
      "more objects than the bound",
      delivery({
        configMaps: Array.from({ length: CONFIG_LIMITS.objects + 1 }, (_, i) => object({ name: `c${i}` })),
      }),
      /more than 1000/,
    ],
  ])("refuses %s", (_what, value, message) => {
    expect(() => checkConfigDelivery(value)).toThrow(message);
  });

  it("is checked when an assignment set arrives", () => {
    const raw = (config: unknown) =>
      JSON.stringify({ v: 1, type: "assignments", revision: 2, pods: [], config });
    expect(decodeServerMessage(raw(delivery())).type).toBe("assignments");
    expect(() =>
      decodeServerMessage(raw(delivery({ configMaps: [object({ data: { "../x": "" } })] }))),
    ).toThrow(/assignments.config: configMaps\[0\].data/);
  });
});

describe("isConfigKey", () => {
  it.each([
    ["app.conf", true],
    [".hidden", true],
    ["..data", true],
    ["..", false],
    [".", false],
    ["a/b", false],
    ["", false],
    ["x".repeat(254), false],
  ])("%#: %s", (key, ok) => {
    expect(isConfigKey(key)).toBe(ok);
  });
});
