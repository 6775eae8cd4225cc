import { describe, it, expect } from "vitest";
import { defaultServerDataDir, resolveConnection, selectKubeconfigPath } from "./kubeconfig.js";

describe("which kubeconfig", () => {
  const base = { serverDataDir: "/data", home: "/home/u" };
  it.each([
    ["--kubeconfig wins", { flag: "/f", env: { KUBECONFIG: "/e1:/e2" }, exists: () => true }, "/f"],
    ["then KUBECONFIG's first file", { env: { KUBECONFIG: ":/e1:/e2" }, exists: () => true }, "/e1"],
    ["then the server's kubeconfig", { env: {}, exists: () => true }, "/data/kubeconfig.yaml"],
    [
      "then ~/.kube/config",
      { env: {}, exists: (p: string) => p === "/home/u/.kube/config" },
      "/home/u/.kube/config",
    ],
    ["else none", { env: {}, exists: () => false }, undefined],
  ])("%s", (_name, opts, expected) => {
    expect(selectKubeconfigPath({ ...base, ...opts })).toBe(expected);
  });

  it.each([
    [0, "/var/lib/everynode/server"],
    [1000, "/home/u/.local/share/everynode/server"],
  ])("the server data dir for uid %d is %s", (uid, dir) =>
    expect(defaultServerDataDir({}, uid, "/home/u")).toBe(dir),
  );
});

describe("resolveConnection", () => {
  const config = {
    "current-context": "admin",
    contexts: [
      { name: "admin", context: { cluster: "c1", user: "u1", namespace: "team" } },
      { name: "other", context: { cluster: "c2", user: "u2" } },
    ],
    clusters: [
      {
        name: "c1",
        cluster: {
          server: "https://127.0.0.1:6443",
          "certificate-authority-data": Buffer.from("CA1").toString("base64"),
        },
      },
      { name: "c2", cluster: { server: "https://127.0.0.1:7443", "insecure-skip-tls-verify": true } },
    ],
    users: [
      { name: "u1", user: { token: "t1" } },
      { name: "u2", user: { tokenFile: "tok" } },
    ],
  };
  const read = (p: string): string => (p.endsWith("tok") ? "t2\n" : "");

  it("uses the current context's cluster, CA, token and namespace", () => {
    expect(resolveConnection(config, {}, read)).toEqual({
      server: "https://127.0.0.1:6443",
      ca: "CA1",
      token: "t1",
      insecure: false,
      namespace: "team",
      namespaceExplicit: false,
    });
  });

  it("follows --context, token files and insecure clusters; flags override", () => {
    const c = resolveConnection(config, { context: "other", namespace: "x", token: "flag" }, read);
    expect(c).toMatchObject({
      server: "https://127.0.0.1:7443",
      insecure: true,
      namespace: "x",
      token: "flag",
      namespaceExplicit: true,
    });
    expect(resolveConnection(config, { context: "other" }, read).token).toBe("t2");
  });

  it("rejects an unknown --context and reports no server like kubectl", () => {
    expect(() => resolveConnection(config, { context: "nope" }, read)).toThrow(
      "context was not found for specified context: nope",
    );
    expect(() => resolveConnection(undefined, {}, read)).toThrow(
      "The connection to the server localhost:8080 was refused",
    );
  });
});
