import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { ConfigSet } from "./config-set.js";

const pod = {
  metadata: { namespace: "ns", name: "p", uid: "p1" },
  spec: { containers: [{ name: "c", image: "i", envFrom: [{ configMapRef: { name: "conf" } }] }] },
} as Pod;
const conf = (rv: string) => ({
  namespace: "ns",
  name: "conf",
  uid: "u",
  resourceVersion: rv,
  data: { a: "1" },
});

describe("ConfigSet", () => {
  it("finds objects by namespace and name", () => {
    const set = new ConfigSet({ configMaps: [conf("1")], secrets: [], withheld: [] });
    expect(set.configMap("ns", "conf")?.data).toEqual({ a: "1" });
    expect(set.configMap("other", "conf")).toBeUndefined();
    expect(set.secret("ns", "conf")).toBeUndefined();
  });

  it("gives a pod a version that changes with its objects only", () => {
    const none = new ConfigSet();
    const v1 = new ConfigSet({ configMaps: [conf("1")], secrets: [], withheld: [] });
    const v2 = new ConfigSet({ configMaps: [conf("2")], secrets: [], withheld: [] });
    const unrelated = new ConfigSet({
      configMaps: [conf("1"), { ...conf("9"), name: "other" }],
      secrets: [],
      withheld: [],
    });
    const withheld = new ConfigSet({ configMaps: [], secrets: [], withheld: [{ uid: "p1", message: "m" }] });
    expect(none.versionFor(pod)).not.toBe(v1.versionFor(pod));
    expect(v1.versionFor(pod)).not.toBe(v2.versionFor(pod));
    expect(unrelated.versionFor(pod)).toBe(v1.versionFor(pod));
    expect(withheld.versionFor(pod)).not.toBe(none.versionFor(pod));
    expect(withheld.withheld("p1")).toBe("m");
  });
});
