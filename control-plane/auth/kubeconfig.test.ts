import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderKubeconfig, writeKubeconfig } from "./kubeconfig.js";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("renderKubeconfig", () => {
  it("names the server, the CA, the token and the current context", () => {
    const doc = parse(
      renderKubeconfig({ server: "https://127.0.0.1:6443", caPem: CA, token: "abcdef.0123456789abcdef" }),
    );
    expect(doc["current-context"]).toBe("everynode");
    expect(doc.clusters[0].cluster.server).toBe("https://127.0.0.1:6443");
    expect(Buffer.from(doc.clusters[0].cluster["certificate-authority-data"], "base64").toString()).toBe(CA);
    expect(doc.users[0].user.token).toBe("abcdef.0123456789abcdef");
    expect(doc.contexts[0]).toEqual({ name: "everynode", context: { cluster: "everynode", user: "admin" } });
  });
});

describe("writeKubeconfig", () => {
  it("creates directories and writes the file with mode 0600", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "everynode-kc-"));
    try {
      const file = path.join(dir, "a", "b", "kubeconfig");
      await writeKubeconfig(file, {
        server: "https://localhost:1",
        caPem: CA,
        token: "t",
        clusterName: "c",
        userName: "u",
      });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const doc = parse(await readFile(file, "utf8"));
      expect(doc["current-context"]).toBe("c");
      expect(doc.users[0].name).toBe("u");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
