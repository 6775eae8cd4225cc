// `everynode token create|list|delete`: the join tokens a person hands to the machines they
// join (as `kubeadm token`). `create` prints the full join token alone on a line, so that a
// script can capture it; `list` shows when each expires (RFC 3339, as kubeadm's EXPIRES
// column: exact and the same on every run) and whether it already did.

import type { Command, CommandEnv } from "../command.js";
import { bool, str } from "../command.js";
import type { ParsedFlags } from "../../shared/flags.js";
import { formatError, usage } from "../error-format.js";
import { renderCells } from "../printers/table-printer.js";
import { toJson, toYaml } from "../printers/object-printer.js";

/** Where the server serves join tokens (control-plane/auth/token-routes.ts). */
export const JOIN_TOKENS_API_PATH = "/apis/everynode.io/v1/jointokens";

/** The part of a JoinToken object the CLI reads. */
export interface JoinTokenItem {
  metadata: { name: string; creationTimestamp?: string };
  spec?: { description?: string; expires?: string };
  status?: { expired?: boolean; token?: string };
}

/** `everynode token list`'s table: ID, EXPIRES (`<never>` or RFC 3339), EXPIRED, DESCRIPTION. */
export function tokenTable(items: JoinTokenItem[], noHeaders = false): string {
  const rows = items.map((t) => [
    t.metadata.name,
    t.spec?.expires ?? "<never>",
    t.status?.expired ? "true" : "false",
    t.spec?.description || "<none>",
  ]);
  if (rows.length === 0) return "";
  return renderCells(["ID", "EXPIRES", "EXPIRED", "DESCRIPTION"], rows, noHeaders);
}

/** The command a person runs on the machine to join: `everynode agent --server URL --token T`. */
export function joinCommand(serverUrl: string, token: string): string {
  return `everynode agent --server ${serverUrl} --token ${token}`;
}

async function create(env: CommandEnv, p: ParsedFlags): Promise<number> {
  if (p.positionals.length > 1) throw usage(`unexpected argument: ${p.positionals[1] ?? ""}`);
  const spec: Record<string, string> = {};
  const ttl = str(p, "ttl");
  const description = str(p, "description");
  if (ttl !== undefined) spec.ttl = ttl;
  if (description !== undefined) spec.description = description;
  const client = env.client();
  const item = await client.json<JoinTokenItem>("POST", JOIN_TOKENS_API_PATH, { body: { spec } });
  const token = item.status?.token ?? "";
  env.io.out(`${bool(p, "print-join-command") ? joinCommand(client.baseUrl, token) : token}\n`);
  return 0;
}

async function list(env: CommandEnv, p: ParsedFlags): Promise<number> {
  if (p.positionals.length > 1) throw usage(`unexpected argument: ${p.positionals[1] ?? ""}`);
  const output = str(p, "output");
  if (output !== undefined && output !== "json" && output !== "yaml")
    throw usage(
      `unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`,
    );
  const answer = await env.client().json<{ items?: JoinTokenItem[] }>("GET", JOIN_TOKENS_API_PATH);
  if (output === "json") env.io.out(toJson(answer));
  else if (output === "yaml") env.io.out(toYaml(answer));
  else {
    const items = answer.items ?? [];
    if (items.length === 0) env.io.err("No join tokens found.\n");
    else env.io.out(tokenTable(items, bool(p, "no-headers")));
  }
  return 0;
}

async function remove(env: CommandEnv, p: ParsedFlags): Promise<number> {
  const ids = p.positionals.slice(1);
  if (ids.length === 0) throw usage("the ID of a join token is required (see 'everynode token list')");
  const client = env.client();
  // As kubectl delete: report each missing token and go on, then fail.
  let failed: unknown;
  for (const id of ids) {
    try {
      await client.json("DELETE", `${JOIN_TOKENS_API_PATH}/${encodeURIComponent(id)}`);
      env.io.out(`jointoken "${id}" deleted\n`);
    } catch (e) {
      if (failed !== undefined) env.io.err(formatError(failed));
      failed = e;
    }
  }
  if (failed !== undefined) throw failed;
  return 0;
}

export const tokenCommand: Command = {
  name: "token",
  summary: "Create, list and delete the join tokens agents register with",
  usage: [
    "everynode token create [--ttl DURATION] [--description TEXT] [--print-join-command]",
    "  everynode token list [-o json|yaml] [--no-headers]",
    "  everynode token delete ID...",
    "",
    "A token made without --ttl (or with --ttl 0) never expires. Expired and deleted tokens",
    "are refused when an agent registers; agents that already joined keep working.",
  ].join("\n"),
  flags: [
    {
      name: "ttl",
      type: "string",
      description: "create: how long the token works, e.g. 30m, 24h, 7d (default: forever)",
    },
    { name: "description", type: "string", description: "create: a note on what the token is for" },
    {
      name: "print-join-command",
      type: "boolean",
      description: "create: print the `everynode agent` command to run on the joining machine",
    },
    { name: "output", short: "o", type: "string", description: "list: json or yaml" },
    { name: "no-headers", type: "boolean", description: "list: leave out the header line" },
  ],
  async run(env, p) {
    const sub = p.positionals[0];
    if (sub === "create") return create(env, p);
    if (sub === "list" || sub === "ls") return list(env, p);
    if (sub === "delete" || sub === "rm") return remove(env, p);
    throw usage(
      sub === undefined
        ? "a subcommand is required: create, list or delete"
        : `unknown subcommand "${sub}" for "everynode token" (create, list, delete)`,
    );
  },
};
