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

describe("decidePodToken for projected serviceAccountToken sources", () => {
  const withSource = (source: Record<string, unknown>, spec: Record<string, unknown> = {}): Pod =>
    pod({
      ...spec,
      volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: { path: "t", ...source } }] } }],
    });
  const req = (audience: string | undefined, expirationSeconds: number) => ({
    ...REQ,
    projected: true,
    ...(audience ? { audience } : {}),
    expirationSeconds,
  });
  it.each<[string, Pod, ReturnType<typeof req>, ServiceAccount | undefined, string]>([
    [
      "the source the spec names",
      withSource({ audience: "vault", expirationSeconds: 600 }),
      req("vault", 600),
      sa(),
      "issue",
    ],
    ["the defaults", withSource({}), req(undefined, 3600), sa(), "issue"],
    [
      "despite automount false",
      withSource({}, { automountServiceAccountToken: false }),
      req(undefined, 3600),
      sa(),
      "issue",
    ],
    ["another audience", withSource({ audience: "vault" }), req("other", 3600), sa(), "refuse"],
    ["another life", withSource({}), req(undefined, 7200), sa(), "refuse"],
    ["a pod without such a source", pod(), req(undefined, 3600), sa(), "refuse"],
    ["a missing ServiceAccount", withSource({}), req(undefined, 3600), undefined, "refuse"],
  ])("%s", (_name, p, request, account, kind) => {
    expect(decidePodToken("n1", request, p, account).kind).toBe(kind);
  });
});
