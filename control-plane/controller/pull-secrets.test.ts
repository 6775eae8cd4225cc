import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";
import { pullSecretNames, withAccountPullSecrets } from "./pull-secrets.js";

const accounts: Record<string, ServiceAccount> = {
  "ns/default": {
    metadata: { name: "default", namespace: "ns" },
    imagePullSecrets: [{ name: "default-reg" }],
  },
  "ns/shipper": {
    metadata: { name: "shipper", namespace: "ns" },
    imagePullSecrets: [{ name: "shipper-reg" }],
  },
  "ns/plain": { metadata: { name: "plain", namespace: "ns" } },
};
const read = (ns: string, name: string) => accounts[`${ns}/${name}`];

const podWith = (spec: Record<string, unknown>): Pod => ({
  metadata: { namespace: "ns", name: "p" },
  spec: { containers: [{ name: "c", image: "i" }], ...spec },
});

describe("the pull Secrets of a DaemonSet's pods", () => {
  it.each([
    ["the pod's own win", { imagePullSecrets: [{ name: "own" }], serviceAccountName: "shipper" }, ["own"]],
    ["else its ServiceAccount's", { serviceAccountName: "shipper" }, ["shipper-reg"]],
    ["the default ServiceAccount's when none is named", {}, ["default-reg"]],
    ["none from an account without any", { serviceAccountName: "plain" }, []],
    ["none from a missing account", { serviceAccountName: "gone" }, []],
  ])("%s", (_what, spec, want) => {
    expect(pullSecretNames(podWith(spec).spec, "ns", read)).toEqual(want);
    const pod = withAccountPullSecrets(podWith(spec), read);
    expect((pod.spec.imagePullSecrets ?? []).map((r) => r.name)).toEqual(want);
  });
});
