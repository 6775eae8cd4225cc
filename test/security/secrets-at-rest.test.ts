// Secrets at rest with the real `everynode server`: the data dir gets its key files (mode
// 0600) on first start, and after a Secret is written through the API, neither the database
// file nor its WAL holds the Secret's plain text or its base64, while the API returns it.

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProcess } from "../helpers/server-process.js";

describe("Secrets at rest in a real server's data dir", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("makes the key files private and keeps Secrets out of the database files", async () => {
    const dir = server.serverDataDir;
    for (const file of ["encryption-keys.json", "service-account-key"])
      expect((statSync(path.join(dir, file)).mode & 0o777).toString(8), file).toBe("600");
    const keys = JSON.parse(readFileSync(path.join(dir, "encryption-keys.json"), "utf8"));
    expect(Buffer.from(keys.keys[0].secret, "base64")).toHaveLength(32);

    const plain = "correct-horse-battery-staple";
    const created = await server.send("POST", "/api/v1/namespaces/default/secrets", {
      body: { metadata: { name: "db" }, stringData: { password: plain } },
    });
    expect(created.status).toBe(201);
    const read = await server.send("GET", "/api/v1/namespaces/default/secrets/db");
    expect(Buffer.from(read.json.data.password, "base64").toString()).toBe(plain);

    const files = readdirSync(dir).filter((f) => f.startsWith("everynode.db"));
    expect(files).toContain("everynode.db-wal");
    const bytes = Buffer.concat(files.map((f) => readFileSync(path.join(dir, f))));
    expect(bytes.includes(plain)).toBe(false);
    expect(bytes.includes(Buffer.from(plain).toString("base64"))).toBe(false);
    expect(bytes.includes("enc:aesgcm:v1:")).toBe(true);
  });
});
