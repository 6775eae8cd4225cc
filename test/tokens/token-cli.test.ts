// `everynode token` as a user runs it: the real bin/everynode against a real server. A
// token it creates registers an agent; once deleted it registers nothing.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJoinToken, bearerOf } from "../../shared/join-token.js";
import { AGENT_REGISTER_PATH } from "../../shared/protocol.js";
import { joinCommand, tokenTable } from "../../cli/commands/token.js";
import type { Cluster } from "../helpers/cluster.js";
import { REPO_ROOT, startCluster } from "../helpers/cluster.js";

describe("everynode token against a real server", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // The server serves the join-token API only once control-plane/main.ts mounts it.
    const main = readFileSync(path.join(REPO_ROOT, "control-plane/main.ts"), "utf8");
    expect(main, "control-plane/main.ts mounts createTokenRouter").toContain("createTokenRouter(");
    cluster = await startCluster({ noServerAgent: true });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  const register = (bearer: string, nodeName: string) =>
    cluster.api(
      "POST",
      AGENT_REGISTER_PATH,
      { nodeName, labels: {}, taints: [], nodeSecret: randomBytes(32).toString("base64url") },
      bearer,
    );

  it("creates, lists and deletes a join token; the deleted token no longer registers", async () => {
    const created = await cluster.everynode(["token", "create", "--ttl", "1h", "--description", "rack 7"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^EN1\.[0-9a-f]{64}\.[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
    const join = parseJoinToken(created.stdout);
    // The pin is the server's CA: the same as in the default join token the server wrote.
    expect(join.caHash).toBe(parseJoinToken(cluster.joinToken).caHash);

    const first = await register(bearerOf(join), "cli-joined");
    expect(first.status).toBe(200);
    expect(first.body.nodeName).toBe("cli-joined");

    const listed = await cluster.everynode(["token", "list"]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+EXPIRES\s+EXPIRED\s+DESCRIPTION$/);
    const row = lines.find((l) => l.startsWith(`${join.id} `));
    expect(row).toMatch(
      new RegExp(`^${join.id}\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+false\\s+rack 7$`),
    );
    // The server's default token is there too, without expiry; no secret is printed.
    expect(lines.some((l) => /\s<never>\s+false\s+the server's default join token$/.test(l))).toBe(true);
    expect(listed.stdout).not.toContain(join.secret);
    // Columns line up: every row's EXPIRES starts where the header's does.
    const col = (lines[0] ?? "").indexOf("EXPIRES");
    for (const l of lines.slice(1)) expect(l.slice(col - 3, col)).toMatch(/^ {3}$/);

    const deleted = await cluster.everynode(["token", "delete", join.id]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`jointoken "${join.id}" deleted\n`);

    const nodesBefore = (await cluster.nodes()).map((n) => n.metadata.name);
    const again = await register(bearerOf(join), "cli-after-delete");
    expect(again.status).toBe(401);
    expect((await cluster.nodes()).map((n) => n.metadata.name)).toEqual(nodesBefore);

    const relisted = await cluster.everynode(["token", "list"]);
    expect(relisted.stdout).not.toContain(join.id);
  });

  it("prints the agent command with --print-join-command", async () => {
    const r = await cluster.everynode(["token", "create", "--print-join-command"]);
    expect(r.code).toBe(0);
    const m = /^everynode agent --server (\S+) --token (\S+)\n$/.exec(r.stdout);
    expect(m?.[1]).toBe(cluster.server);
    expect(parseJoinToken(m?.[2] ?? "").caHash).toBe(parseJoinToken(cluster.joinToken).caHash);
  });

  it("fails with exit 1 for an unknown token and a bad ttl", async () => {
    const missing = await cluster.everynode(["token", "delete", "zzzzzz"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): jointokens.everynode.io "zzzzzz" not found\n');

    const bad = await cluster.everynode(["token", "create", "--ttl", "soon"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("spec.ttl");
  });

  it("fails with exit 3 without a valid admin token, and exit 4 when the server is unreachable", async () => {
    const unauthorized = await cluster.everynode(["token", "list", "--token", "zzzzzz.0123456789abcdef"]);
    expect(unauthorized.code).toBe(3);
    expect(unauthorized.stderr).toContain("You must be logged in to the server");

    const asJoin = await cluster.everynode([
      "token",
      "list",
      "--token",
      bearerOf(parseJoinToken(cluster.joinToken)),
    ]);
    expect(asJoin.code).toBe(3);
    expect(asJoin.stderr).toMatch(/^Error from server \(Forbidden\)/);

    const unreachable = await cluster.everynode(["token", "list", "--server", "https://127.0.0.1:1"]);
    expect(unreachable.code).toBe(4);
  });

  it("explains a missing subcommand (exit 2) and lists token in the help", async () => {
    const r = await cluster.everynode(["token"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("create, list or delete");
    const help = await cluster.everynode(["--help"]);
    expect(help.stdout).toMatch(/\n {2}token\s+Create, list and delete the join tokens/);
  });
});

describe("tokenTable", () => {
  it.each([
    ["no tokens", [], ""],
    [
      "one that never expires, without description",
      [{ metadata: { name: "abc123" }, spec: {}, status: { expired: false } }],
      "ID       EXPIRES   EXPIRED   DESCRIPTION\nabc123   <never>   false     <none>\n",
    ],
    [
      "an expired one beside a live one",
      [
        {
          metadata: { name: "abc123" },
          spec: { expires: "2026-01-02T00:00:00Z", description: "lab" },
          status: { expired: true },
        },
        { metadata: { name: "def456" }, spec: { description: "rack 7" }, status: { expired: false } },
      ],
      "ID       EXPIRES                EXPIRED   DESCRIPTION\n" +
        "abc123   2026-01-02T00:00:00Z   true      lab\n" +
        "def456   <never>                false     rack 7\n",
    ],
  ])("prints %s", (_what, items, want) => {
    expect(tokenTable(items)).toBe(want);
  });

  it("prints the join command with the kubeconfig's server", () => {
    expect(joinCommand("https://10.0.0.1:6443", "EN1.x")).toBe(
      "everynode agent --server https://10.0.0.1:6443 --token EN1.x",
    );
  });
});
