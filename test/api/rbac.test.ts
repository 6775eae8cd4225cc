// RBAC with the real kubectl (1.27 and 1.33): ServiceAccount tokens get what their bindings
// grant (verbs, resources, subresources, resourceNames) and nothing else, `kubectl auth
// can-i` (and --list) answers as the requests themselves are answered, impersonation is the
// admin's alone, and the bootstrap ClusterRoles are there.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCertificate } from "./self-signed.js";
import { call, insecureKubeconfig, kubectlRunner, seedPod, startApi, type ApiHarness } from "./harness.js";

let h: ApiHarness;
let dir: string;

const POLICY = `
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: team}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: nobody, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-reader, namespace: team}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
- apiGroups: [""]
  resources: [secrets]
  resourceNames: [visible]
  verbs: [get]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader-binding, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
subjects:
- {kind: ServiceAccount, name: reader, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reader-views-namespaces}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {kind: ServiceAccount, name: reader, namespace: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team}
data: {a: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: visible, namespace: team}
stringData: {a: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: hidden, namespace: team}
stringData: {a: "2"}
`;

beforeAll(async () => {
  h = await startApi({ tls: selfSignedCertificate() });
  dir = mkdtempSync(path.join(tmpdir(), "everynode-rbac-"));
  writeFileSync(path.join(dir, "kubeconfig"), insecureKubeconfig(h.port));
  writeFileSync(path.join(dir, "policy.yaml"), POLICY);
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(["1.27", "1.33"])("kubectl %s", (version) => {
  const binary = `/usr/lib/google-cloud-sdk/bin/kubectl.${version}`;
  let home = "";
  const admin = (...args: string[]): Promise<string> =>
    kubectlRunner(binary, path.join(dir, "kubeconfig"), () => home)(...args);
  const as =
    (who: string) =>
    (...args: string[]): Promise<string> =>
      kubectlRunner(binary, path.join(home, `${who}.kubeconfig`), () => home)(...args);
  /** The exit status and output of `kubectl auth can-i` (1 means "no"). */
  const canI = async (run: (...a: string[]) => Promise<string>, ...args: string[]): Promise<string> =>
    run("auth", "can-i", ...args).then(
      // The answer is the first line; kubectl may add a warning after it.
      (out) => out.trim().split("\n")[0] ?? "",
      (e: Error) => (/\nno\n/.test(`\n${e.message.split("\n").slice(1).join("\n")}\n`) ? "no" : e.message),
    );

  beforeAll(async () => {
    home = mkdtempSync(path.join(dir, "home-"));
    await admin("apply", "-f", path.join(dir, "policy.yaml"));
    for (const who of ["reader", "nobody"]) {
      const token = (await admin("create", "token", who, "-n", "team")).trim();
      writeFileSync(path.join(home, `${who}.kubeconfig`), insecureKubeconfig(h.port, token));
    }
  });

  it("gives a bound ServiceAccount what its roles grant and nothing else", async () => {
    const reader = as("reader");
    expect(await reader("get", "configmaps", "-n", "team")).toMatch(/settings/);
    expect(await reader("get", "secret", "visible", "-n", "team", "-o", "name")).toBe("secret/visible\n");
    // resourceNames: the other Secret, and a list, are refused.
    await expect(reader("get", "secret", "hidden", "-n", "team")).rejects.toThrow(
      /secrets "hidden" is forbidden: User "system:serviceaccount:team:reader" cannot get resource "secrets" in API group "" in the namespace "team"/,
    );
    await expect(reader("get", "secrets", "-n", "team")).rejects.toThrow(/cannot list resource "secrets"/);
    // Verbs: read-only.
    await expect(reader("delete", "configmap", "settings", "-n", "team")).rejects.toThrow(
      /cannot delete resource "configmaps"/,
    );
    // The Role is namespaced; the ClusterRoleBinding to view grants reads everywhere, but not Secrets.
    expect(await reader("get", "configmaps", "-n", "default")).toMatch(/No resources found|NAME/);
    await expect(reader("get", "secrets", "-n", "default")).rejects.toThrow(/forbidden/);
    expect(await reader("get", "daemonsets", "-A")).toMatch(/No resources found|NAME/);
    // Writes to RBAC itself are nobody's but the admin's (and an admin role's).
    await expect(reader("create", "namespace", "x")).rejects.toThrow(/cannot create resource "namespaces"/);
  });

  it("refuses everything to a ServiceAccount without bindings, but discovery works", async () => {
    const nobody = as("nobody");
    await expect(nobody("get", "configmaps", "-n", "team")).rejects.toThrow(
      /User "system:serviceaccount:team:nobody" cannot list resource "configmaps"/,
    );
    await expect(nobody("get", "pods", "-A")).rejects.toThrow(/forbidden/);
    expect(await nobody("api-resources", "--api-group=rbac.authorization.k8s.io", "-o", "name")).toMatch(
      /roles.rbac.authorization.k8s.io/,
    );
  });

  it("answers kubectl auth can-i as the requests are answered, with --list", async () => {
    const reader = as("reader");
    expect(await canI(reader, "list", "configmaps", "-n", "team")).toBe("yes");
    expect(await canI(reader, "delete", "configmaps", "-n", "team")).toBe("no");
    expect(await canI(reader, "get", "secrets/visible", "-n", "team")).toBe("yes");
    expect(await canI(reader, "get", "secrets/hidden", "-n", "team")).toBe("no");
    expect(await canI(reader, "get", "pods", "--subresource=log", "-n", "team")).toBe("yes");
    expect(await canI(as("nobody"), "list", "configmaps", "-n", "team")).toBe("no");
    const list = await reader("auth", "can-i", "--list", "-n", "team");
    expect(list).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs/);
    expect(list).toMatch(/\nsecrets\s+\[\]\s+\[visible\]\s+\[get\]/);
    expect(list).toMatch(/\nconfigmaps\s+\[\]\s+\[\]\s+\[get list watch\]/);
    expect(list).toMatch(/selfsubjectaccessreviews.authorization.k8s.io\s+\[\]\s+\[\]\s+\[create\]/);
  });

  it("lets the admin impersonate, and no one else", async () => {
    expect(await canI(admin, "*", "*")).toBe("yes");
    expect(
      await canI(admin, "list", "configmaps", "-n", "team", "--as=system:serviceaccount:team:reader"),
    ).toBe("yes");
    expect(await canI(admin, "list", "configmaps", "-n", "team", "--as=jane")).toBe("no");
    expect(await canI(admin, "list", "configmaps", "--as=jane", "--as-group=system:masters")).toBe("yes");
    await expect(admin("get", "cm", "-n", "team", "--as=system:serviceaccount:team:nobody")).rejects.toThrow(
      /forbidden/,
    );
    await expect(as("reader")("get", "cm", "-n", "team", "--as=jane")).rejects.toThrow(
      /users "jane" is forbidden: User "system:serviceaccount:team:reader" cannot impersonate resource "users"/,
    );
  });

  it("makes roles and bindings with kubectl create, which then grant what they say", async () => {
    const v = version.replace(".", "");
    expect(
      await admin(
        "create",
        "role",
        `pod-reader-${v}`,
        "-n",
        "team",
        "--verb=get,list",
        "--resource=pods",
        "--resource-name=p1",
      ),
    ).toContain("created");
    expect(
      await admin(
        "create",
        "rolebinding",
        `nobody-pods-${v}`,
        "-n",
        "team",
        `--role=pod-reader-${v}`,
        "--serviceaccount=team:nobody",
        "--group=ops",
        "--user=jane",
      ),
    ).toContain("created");
    expect(
      await admin(
        "create",
        "clusterrole",
        `ns-reader-${v}`,
        "--verb=get",
        "--resource=namespaces",
        "--non-resource-url=/version-x",
      ),
    ).toMatch(/created|error: --resource and --non-resource-url/);
    expect(
      await admin("create", "clusterrole", `ns-lister-${v}`, "--verb=list", "--resource=namespaces"),
    ).toContain("created");
    expect(
      await admin(
        "create",
        "clusterrolebinding",
        `nobody-ns-${v}`,
        `--clusterrole=ns-lister-${v}`,
        "--serviceaccount=team:nobody",
      ),
    ).toContain("created");
    const role = (
      await call(h, "GET", `/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles/pod-reader-${v}`)
    ).json;
    expect(role.rules).toEqual([
      { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"], resourceNames: ["p1"] },
    ]);
    const binding = (
      await call(h, "GET", `/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings/nobody-pods-${v}`)
    ).json;
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: `pod-reader-${v}`,
    });
    expect(binding.subjects).toEqual(
      expect.arrayContaining([
        { kind: "ServiceAccount", name: "nobody", namespace: "team" },
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "ops" },
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" },
      ]),
    );
    expect(await canI(as("nobody"), "get", "pods/p1", "-n", "team")).toBe("yes");
    expect(await canI(as("nobody"), "get", "pods/p2", "-n", "team")).toBe("no");
    expect(await canI(as("nobody"), "list", "namespaces")).toBe("yes");
  });

  it("prints roles and bindings as kubectl does, the bootstrap ClusterRoles among them", async () => {
    const roles = await admin("get", "clusterroles");
    expect(roles).toMatch(/^NAME\s+CREATED AT\n/);
    for (const name of ["admin", "cluster-admin", "edit", "system:monitoring", "view"])
      expect(roles).toMatch(new RegExp(`\\n${name}\\s+\\d{4}-\\d\\d-\\d\\dT`));
    const bindings = await admin("get", "rolebindings", "-n", "team", "-o", "wide");
    expect(bindings).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/);
    expect(bindings).toMatch(/\nreader-binding\s+Role\/cm-reader\s+\S+\s+team\/reader\n/);
    await expect(
      admin("patch", "rolebinding", "reader-binding", "-n", "team", "-p", '{"roleRef":{"name":"other"}}'),
    ).rejects.toThrow(/roleRef: Invalid value.*cannot change roleRef/);
  });
});

describe("pod logs by RBAC", () => {
  it("needs pods/log, not pods", async () => {
    seedPod(h.store, "p1", "node-a", "team");
    const reader = h.serviceAccountTokens.issue(
      h.store.get("serviceaccounts", "team", "reader") as never,
    ).token;
    expect((await call(h, "GET", "/api/v1/namespaces/team/pods/p1/log", { token: reader })).status).toBe(200);
    const nobody = h.serviceAccountTokens.issue(
      h.store.get("serviceaccounts", "team", "nobody") as never,
    ).token;
    expect((await call(h, "GET", "/api/v1/namespaces/team/pods/p1/log", { token: nobody })).status).toBe(403);
  });
});
