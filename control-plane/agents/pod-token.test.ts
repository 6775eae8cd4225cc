import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";
import { decidePodToken, serviceAccountOf } from "./pod-token.js";

const pod = (spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Pod =>
  ({
    metadata: { namespace: "logging", name: "shipper-x", uid: "u1", ...meta },
    spec: { nodeName: "n1", containers: [], serviceAccountName: "shipper", ...spec },
  }) as Pod;
const sa = (automount?: boolean): ServiceAccount => ({
  metadata: { namespace: "logging", name: "shipper", uid: "sa1" },
  ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
});
const REQ = { namespace: "logging", name: "shipper-x", uid: "u1" };

describe("decidePodToken", () => {
  it.each<
    [
      string,
      string,
      Pod | undefined,
      ServiceAccount | undefined,
      ReturnType<typeof decidePodToken>["kind"],
      RegExp?,
    ]
  >([
    ["a pod bound to the node", "n1", pod(), sa(), "issue"],
    [
      "another node's pod",
      "n2",
      pod(),
      sa(),
      "refuse",
      /node "n2" may have tokens only for pods bound to it/,
    ],
    ["a pod that does not exist", "n1", undefined, sa(), "refuse", /pods "shipper-x" not found/],
    ["a pod of the same name, another uid", "n1", pod({}, { uid: "u2" }), sa(), "refuse", /not found/],
    [
      "a terminating pod",
      "n1",
      pod({}, { deletionTimestamp: "2026-12-05T13:00:00Z" }),
      sa(),
      "refuse",
      /terminating/,
    ],
    ["a missing ServiceAccount", "n1", pod(), undefined, "refuse", /serviceaccounts "shipper" not found/],
    ["the pod says no", "n1", pod({ automountServiceAccountToken: false }), sa(true), "none"],
    ["the ServiceAccount says no", "n1", pod(), sa(false), "none"],
    [
      "the pod's yes wins over the ServiceAccount's no",
      "n1",
      pod({ automountServiceAccountToken: true }),
      sa(false),
      "issue",
    ],
    [
      "the pod says no, and its ServiceAccount is missing",
      "n1",
      pod({ automountServiceAccountToken: false }),
      undefined,
      "none",
    ],
  ])("%s", (_what, node, p, account, kind, message) => {
    const d = decidePodToken(node, REQ, p, account);
    expect(d.kind).toBe(kind);
    if (message) expect(d.kind === "refuse" && d.message).toMatch(message);
  });

  it("finds the pod's ServiceAccount as Kubernetes does", () => {
    expect(serviceAccountOf(pod())).toBe("shipper");
    expect(serviceAccountOf(pod({ serviceAccountName: undefined, serviceAccount: "old" }))).toBe("old");
    expect(serviceAccountOf(pod({ serviceAccountName: "" }))).toBe("default");
  });
});
