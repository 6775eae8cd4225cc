// ConfigMaps and Secrets with the real kubectl (1.27 and 1.33) and everynode's own CLI:
// `create configmap|secret generic|secret docker-registry` from literals, files and env
// files, the tables `get` prints, `explain`, watch, and the 422s of bad input.

import https from "node:https";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { bufferIo } from "../../cli/io.js";
import { selfSignedCertificate } from "./self-signed.js";
import { call, insecureKubeconfig, kubectlRunner, startApi, TOKENS, type ApiHarness } from "./harness.js";

const BINARIES = ["1.27", "1.33"].map((v) => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`);

let h: ApiHarness;
let dir: string;

beforeAll(async () => {
  h = await startApi({ tls: selfSignedCertificate() });
  dir = mkdtempSync(path.join(tmpdir(), "everynode-config-"));
  writeFileSync(path.join(dir, "kubeconfig"), insecureKubeconfig(h.port));
  writeFileSync(path.join(dir, "app.properties"), "color=blue\nsize=large\n");
  writeFileSync(path.join(dir, "blob.bin"), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  writeFileSync(path.join(dir, "env"), "# settings\nLEVEL=debug\n  MODE=fast=1\n\n");
  mkdirSync(path.join(dir, "conf.d"));
  writeFileSync(path.join(dir, "conf.d", "a.conf"), "a=1\n");
  writeFileSync(path.join(dir, "conf.d", "b.conf"), "b=2\n");
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const b64 = (s: string): string => Buffer.from(s).toString("base64");

/** The first `n` lines of a watch over the harness's self-signed HTTPS (its fake clock never ends one). */
function watchLines(urlPath: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      `${h.url}${urlPath}`,
      { rejectUnauthorized: false, headers: { authorization: `Bearer ${TOKENS.admin}` } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
          const lines = text.split("\n").filter((l) => l !== "");
          if (text.endsWith("\n") && lines.length >= n) {
            req.destroy();
            resolve(lines.slice(0, n));
          }
        });
      },
    );
    req.on("error", reject);
  });
}

describe.each(BINARIES)("%s", (binary) => {
  const ns = `ns-${path.basename(binary).replace(/\W/g, "")}`;
  let home = "";

  const kubectl = (...args: string[]): Promise<string> =>
    kubectlRunner(binary, path.join(dir, "kubeconfig"), () => home, dir)(...args);

  beforeAll(async () => {
    home = mkdtempSync(path.join(dir, "home-"));
    await kubectl("create", "namespace", ns);
  });

  it("creates a ConfigMap from literals, files, a directory and an env file", async () => {
    expect(
      await kubectl(
        "create",
        "configmap",
        "settings",
        "-n",
        ns,
        "--from-literal=greeting=hello",
        "--from-file=app.properties",
        "--from-file=raw=blob.bin",
      ),
    ).toContain("configmap/settings created");
    expect(await kubectl("create", "cm", "dir", "-n", ns, "--from-file=conf.d")).toContain(
      "configmap/dir created",
    );
    expect(await kubectl("create", "cm", "env", "-n", ns, "--from-env-file=env")).toContain(
      "configmap/env created",
    );
    const cm = (await call(h, "GET", `/api/v1/namespaces/${ns}/configmaps/settings`)).json;
    expect(cm.data).toEqual({ greeting: "hello", "app.properties": "color=blue\nsize=large\n" });
    expect(cm.binaryData).toEqual({ raw: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString("base64") });
    expect((await call(h, "GET", `/api/v1/namespaces/${ns}/configmaps/dir`)).json.data).toEqual({
      "a.conf": "a=1\n",
      "b.conf": "b=2\n",
    });
    expect((await call(h, "GET", `/api/v1/namespaces/${ns}/configmaps/env`)).json.data).toEqual({
      LEVEL: "debug",
      MODE: "fast=1",
    });
    const table = await kubectl("get", "configmaps", "-n", ns);
    expect(table).toMatch(/^NAME\s+DATA\s+AGE\n/);
    expect(table).toMatch(/\nsettings\s+3\s+\S+/);
  });

  it("creates generic and docker-registry Secrets, prints their table, hides nothing from the admin", async () => {
    expect(
      await kubectl(
        "create",
        "secret",
        "generic",
        "db",
        "-n",
        ns,
        "--from-literal=password=s3cr3t",
        "--from-literal=LEVEL=debug",
        "--from-literal=MODE=fast=1",
      ),
    ).toContain("secret/db created");
    expect(
      await kubectl(
        "create",
        "secret",
        "docker-registry",
        "pull",
        "-n",
        ns,
        "--docker-server=registry.example:5000",
        "--docker-username=u",
        "--docker-password=p",
        "--docker-email=u@example",
      ),
    ).toContain("secret/pull created");
    const db = (await call(h, "GET", `/api/v1/namespaces/${ns}/secrets/db`)).json;
    expect(db.type).toBe("Opaque");
    expect(db.data.password).toBe(b64("s3cr3t"));
    const pull = (await call(h, "GET", `/api/v1/namespaces/${ns}/secrets/pull`)).json;
    expect(pull.type).toBe("kubernetes.io/dockerconfigjson");
    expect(JSON.parse(Buffer.from(pull.data[".dockerconfigjson"], "base64").toString()).auths).toEqual({
      "registry.example:5000": { username: "u", password: "p", email: "u@example", auth: b64("u:p") },
    });
    const table = await kubectl("get", "secrets", "-n", ns);
    expect(table).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE\n/);
    expect(table).toMatch(/\ndb\s+Opaque\s+3\s+/);
    expect(table).toMatch(/\npull\s+kubernetes.io\/dockerconfigjson\s+1\s+/);
    expect(await kubectl("get", "secrets", "-n", ns, "--field-selector=type=Opaque", "-o", "name")).toBe(
      "secret/db\n",
    );
  });

  it("watches Secrets from a resourceVersion", async () => {
    const rv = (await call(h, "GET", `/api/v1/namespaces/${ns}/secrets`)).json.metadata.resourceVersion;
    await call(h, "POST", `/api/v1/namespaces/${ns}/secrets`, {
      body: { metadata: { name: "watched" }, stringData: { a: "b" } },
    });
    await call(h, "DELETE", `/api/v1/namespaces/${ns}/secrets/watched`);
    const events = (
      await watchLines(`/api/v1/namespaces/${ns}/secrets?watch=true&resourceVersion=${rv}`, 2)
    ).map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ["ADDED", "watched"],
      ["DELETED", "watched"],
    ]);
  });

  it("applies stringData as data and explains the kinds", async () => {
    writeFileSync(
      path.join(home, "s.yaml"),
      `apiVersion: v1\nkind: Secret\nmetadata: {name: applied, namespace: ${ns}}\nstringData: {token: abc}\n`,
    );
    expect(await kubectl("apply", "-f", path.join(home, "s.yaml"))).toContain("secret/applied created");
    const s = (await call(h, "GET", `/api/v1/namespaces/${ns}/secrets/applied`)).json;
    expect(s.data).toEqual({ token: b64("abc") });
    expect(s).not.toHaveProperty("stringData");
    // As with Kubernetes: stringData is in the last-applied annotation but never in the live
    // object, so every apply patches it again (and the data stays the same).
    expect(await kubectl("apply", "-f", path.join(home, "s.yaml"))).toContain("secret/applied configured");
    expect((await call(h, "GET", `/api/v1/namespaces/${ns}/secrets/applied`)).json.data).toEqual({
      token: b64("abc"),
    });
    expect(await kubectl("explain", "configmap.binaryData")).toMatch(/BinaryData contains the binary data/);
    expect(await kubectl("explain", "secret.stringData")).toMatch(/stringData allows specifying non-binary/i);
  });

  it("refuses bad keys and changes to immutable objects with kubectl's 422", async () => {
    writeFileSync(
      path.join(home, "bad.yaml"),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad, namespace: ${ns}}\ndata: {"a/b": x}\n`,
    );
    await expect(kubectl("apply", "-f", path.join(home, "bad.yaml"))).rejects.toThrow(
      /ConfigMap "bad" is invalid: data: Invalid value: "a\/b": a valid config key must consist/,
    );
    writeFileSync(
      path.join(home, "frozen.yaml"),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen, namespace: ${ns}}\nimmutable: true\ndata: {a: "1"}\n`,
    );
    await kubectl("apply", "-f", path.join(home, "frozen.yaml"));
    await expect(kubectl("patch", "cm", "frozen", "-n", ns, "-p", '{"data":{"a":"2"}}')).rejects.toThrow(
      /data: Forbidden: field is immutable when `immutable` is set/,
    );
  });
});

describe("everynode create configmap|secret", () => {
  const cli = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = bufferIo();
    const code = await main([...args, `--kubeconfig=${path.join(dir, "kubeconfig")}`], io);
    return { code, out: io.stdout, err: io.stderr };
  };

  it("makes the same objects kubectl makes", async () => {
    await call(h, "POST", "/api/v1/namespaces", { body: { metadata: { name: "cli" } } });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(
        await cli(
          "create",
          "configmap",
          "settings",
          "-n",
          "cli",
          "--from-literal=greeting=hello",
          "--from-file=app.properties",
          "--from-file=raw=blob.bin",
        ),
      ).toMatchObject({ code: 0, out: "configmap/settings created\n" });
      expect(
        await cli(
          "create",
          "secret",
          "generic",
          "db",
          "-n",
          "cli",
          "--from-literal=password=s3cr3t",
          "--from-literal=LEVEL=debug",
          "--from-literal=MODE=fast=1",
        ),
      ).toMatchObject({ code: 0, out: "secret/db created\n" });
      expect(
        await cli(
          "create",
          "secret",
          "docker-registry",
          "pull",
          "-n",
          "cli",
          "--docker-server=registry.example:5000",
          "--docker-username=u",
          "--docker-password=p",
          "--docker-email=u@example",
        ),
      ).toMatchObject({ code: 0, out: "secret/pull created\n" });
      const twice = await cli("create", "cm", "x", "-n", "cli", "--from-literal=a=1", "--from-literal=a=2");
      expect(twice.code).not.toBe(0);
      expect(twice.err).toMatch(/another key by that name already exists/);
    } finally {
      process.chdir(cwd);
    }
    // Same objects as kubectl 1.33 made in its namespace (names, data, types).
    for (const [plural, name] of [
      ["configmaps", "settings"],
      ["secrets", "db"],
      ["secrets", "pull"],
    ]) {
      const mine = (await call(h, "GET", `/api/v1/namespaces/cli/${plural}/${name}`)).json;
      const theirs = (await call(h, "GET", `/api/v1/namespaces/ns-kubectl133/${plural}/${name}`)).json;
      expect([mine.data, mine.binaryData, mine.type]).toEqual([theirs.data, theirs.binaryData, theirs.type]);
    }
  });

  it("keeps the Secrets' plain text out of the database file and its WAL", () => {
    const dataDir = path.dirname(h.dbPath);
    const bytes = Buffer.concat(
      readdirSync(dataDir)
        .filter((f) => f.startsWith("everynode.db"))
        .map((f) => readFileSync(path.join(dataDir, f))),
    );
    expect(bytes.length).toBeGreaterThan(0);
    for (const needle of ["s3cr3t", b64("s3cr3t"), b64("u:p"), "registry.example:5000"])
      expect(bytes.includes(needle), needle).toBe(false);
    expect(bytes.includes("color=blue")).toBe(true); // ConfigMaps are not secret
  });
});
