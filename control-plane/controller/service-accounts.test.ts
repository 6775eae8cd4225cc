import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import type { Secret, ServiceAccount } from "../../shared/config-types.js";
import { planServiceAccounts } from "./service-accounts.js";

const ns = (name: string, terminating = false): KubeObject => ({
  metadata: { name, ...(terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  ...(terminating ? { status: { phase: "Terminating" } } : {}),
});
const sa = (namespace: string, name: string, uid = `${namespace}-${name}`): ServiceAccount => ({
  metadata: { name, namespace, uid },
});
const tokenSecret = (name: string, account: string, extra: Partial<Secret> = {}): Secret => ({
  metadata: { name, namespace: "a", annotations: { "kubernetes.io/service-account.name": account } },
  type: "kubernetes.io/service-account-token",
  ...extra,
});

describe("planServiceAccounts", () => {
  it.each<[string, KubeObject[], ServiceAccount[], Secret[], { create: string[]; fill: string[] }]>([
    [
      "a default account where one is missing",
      [ns("a"), ns("b")],
      [sa("a", "default")],
      [],
      { create: ["b"], fill: [] },
    ],
    ["none in a namespace being terminated", [ns("a", true)], [], [], { create: [], fill: [] }],
    [
      "a token for a Secret naming an account",
      [ns("a")],
      [sa("a", "default"), sa("a", "bot")],
      [tokenSecret("t", "bot")],
      { create: [], fill: ["t"] },
    ],
    [
      "none for a missing account",
      [ns("a")],
      [sa("a", "default")],
      [tokenSecret("t", "bot")],
      { create: [], fill: [] },
    ],
    [
      "none for a Secret that already has one, or names another uid",
      [ns("a")],
      [sa("a", "default")],
      [
        tokenSecret("has", "default", { data: { token: "eA==" } }),
        tokenSecret("other", "default", {
          metadata: {
            name: "other",
            namespace: "a",
            annotations: {
              "kubernetes.io/service-account.name": "default",
              "kubernetes.io/service-account.uid": "old",
            },
          },
        }),
        { metadata: { name: "opaque", namespace: "a" }, type: "Opaque" },
      ],
      { create: [], fill: [] },
    ],
  ])("%s", (_name, namespaces, accounts, secrets, expected) => {
    const plan = planServiceAccounts(namespaces, accounts, secrets);
    expect({ create: plan.create, fill: plan.fill.map((f) => f.secret.metadata.name) }).toEqual(expected);
  });
});
