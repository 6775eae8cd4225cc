// `everynode delete`: by file, by TYPE NAME..., by label selector or --all; then, as
// kubectl does by default, waits until every deleted object is gone.

import type { Command, CommandEnv } from "../command.js";
import { bool, list, str } from "../command.js";
import { EverynodeError } from "../../shared/errors.js";
import { parseDuration } from "../../shared/duration.js";
import { formatError, usage, withSource } from "../error-format.js";
import { readManifests } from "../manifests.js";
import { kindPrefix, parseResourceArgs, resourcePath } from "../resource-args.js";
import { listObjects } from "../fetch.js";
import { ProgressLine } from "../progress.js";
import { parseDryRun, targetOf } from "./manifest-targets.js";

interface Victim {
  path: string;
  /** `daemonset.apps "nginx"` as the message names it. */
  display: string;
  source?: string;
  /** The namespace of a namespaced object from a file. */
  namespace?: string;
  /** The name of a Namespace from a file. */
  deletesNamespace?: string;
}

const isNotFound = (e: unknown): boolean => e instanceof EverynodeError && e.code === "NotFound";

/** Polls each object until it is gone (404), showing a live line on a terminal. */
export async function waitUntilGone(env: CommandEnv, victims: Victim[], timeoutMs: number): Promise<void> {
  const client = env.client();
  const clock = env.io.clock;
  const start = clock.now();
  const progress = new ProgressLine(env.io.err, env.io.errIsTTY, true);
  let left = [...victims];
  try {
    while (left.length > 0) {
      const still: Victim[] = [];
      for (const v of left) {
        try {
          await client.json("GET", v.path);
          still.push(v);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      left = still;
      if (left.length === 0) break;
      const waited = clock.now() - start;
      if (timeoutMs > 0 && waited >= timeoutMs)
        throw new EverynodeError(
          "Timeout",
          `timed out waiting for the condition on ${left.map((v) => v.display).join(", ")}`,
        );
      progress.update(
        `waiting for ${left.map((v) => v.display).join(", ")} to be deleted (${Math.floor(waited / 1000)}s)`,
      );
      await clock.sleep(500);
    }
  } finally {
    progress.finish();
  }
}

/** What `collect` found: the objects to delete, and whether an object of a file could not be resolved. */
interface Collected {
  victims: Victim[];
  failed: boolean;
}

async function collect(env: CommandEnv, p: Parameters<Command["run"]>[1]): Promise<Collected> {
  const files = list(p, "filename");
  const ns = env.namespace();
  if (files.length > 0) {
    // As kubectl: an object of a kind the server does not serve gets its own error, the rest go.
    let failed = false;
    const victims: Victim[] = [];
    for (const m of await readManifests(files, env.io.readStdin)) {
      try {
        const t = targetOf(m, ns, p.values.namespace !== undefined);
        const v: Victim = {
          path: t.itemPath,
          display: `${kindPrefix(t.info)} "${t.name}"`,
          source: t.source,
        };
        if (t.namespace !== undefined) v.namespace = t.namespace;
        if (t.info.resource === "namespaces") v.deletesNamespace = t.name;
        victims.push(v);
      } catch (e) {
        failed = true;
        env.io.err(formatError(e));
      }
    }
    return { victims, failed };
  }
  const out: Victim[] = [];
  const selector = str(p, "selector");
  for (const req of parseResourceArgs(p.positionals)) {
    const scopeNs = req.info.namespaced ? (bool(p, "all-namespaces") ? undefined : ns) : undefined;
    if (req.names.length > 0) {
      if (selector || bool(p, "all"))
        throw usage("name cannot be provided when a selector or --all is specified");
      for (const name of req.names)
        out.push({ path: resourcePath(req.info, ns, name), display: `${kindPrefix(req.info)} "${name}"` });
      continue;
    }
    if (!selector && !bool(p, "all"))
      throw usage(
        `resource(s) were provided, but no name was specified (use --all to delete every ${req.info.resource})`,
      );
    const items = (await listObjects(env.client(), req.info, { namespace: scopeNs, labelSelector: selector }))
      .items;
    for (const o of items)
      out.push({
        path: resourcePath(req.info, o.metadata.namespace ?? ns, o.metadata.name),
        display: `${kindPrefix(req.info)} "${o.metadata.name ?? ""}"`,
      });
  }
  if (out.length === 0) env.io.err(selector || bool(p, "all") ? `No resources found\n` : "");
  return { victims: out, failed: false };
}

export const deleteCommand: Command = {
  name: "delete",
  summary: "Delete resources by file names, stdin, resources and names, or by label selector",
  usage: "everynode delete -f FILENAME | TYPE NAME... | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all",
  flags: [
    { name: "filename", short: "f", type: "list", description: "files, directories or - for stdin" },
    { name: "selector", short: "l", type: "string", description: "label selector" },
    { name: "all", type: "boolean", description: "delete every object of the type" },
    {
      name: "all-namespaces",
      short: "A",
      type: "boolean",
      description: "with -l or --all: in every namespace",
    },
    { name: "ignore-not-found", type: "boolean", description: "treat a missing object as deleted" },
    { name: "wait", type: "boolean", default: true, description: "wait until the objects are gone" },
    { name: "timeout", type: "string", description: "how long to wait (0: for ever)" },
    { name: "dry-run", type: "string", description: "none, client or server" },
    { name: "grace-period", type: "string", description: "accepted for kubectl compatibility" },
    { name: "force", type: "boolean", description: "accepted for kubectl compatibility" },
    { name: "now", type: "boolean", description: "accepted for kubectl compatibility" },
    { name: "output", short: "o", type: "string", description: "name: print only resource/name" },
  ],
  async run(env, p) {
    const dry = parseDryRun(str(p, "dry-run"));
    const { victims, failed: unresolved } = await collect(env, p);
    const deleted: Victim[] = [];
    let failed = unresolved;
    // A file that lists a Namespace before its contents: deleting the Namespace removed them.
    const namespacesDeleted = new Set<string>();
    for (const v of victims) {
      try {
        if (dry !== "client")
          await env.client().json("DELETE", v.path, {
            body: { propagationPolicy: "Background" },
            query: { dryRun: dry === "server" ? "All" : undefined },
          });
        const suffix = dry === "client" ? " (dry run)" : dry === "server" ? " (server dry run)" : "";
        env.io.out(
          str(p, "output") === "name"
            ? `${v.display.replace(/ "(.*)"$/, "/$1")}\n`
            : `${v.display} deleted${suffix}\n`,
        );
        deleted.push(v);
        if (v.deletesNamespace !== undefined) namespacesDeleted.add(v.deletesNamespace);
      } catch (e) {
        if (isNotFound(e) && bool(p, "ignore-not-found")) continue;
        if (isNotFound(e) && v.namespace !== undefined && namespacesDeleted.has(v.namespace)) {
          env.io.out(`${v.display} deleted (with its namespace)\n`);
          continue;
        }
        failed = true;
        env.io.err(formatError(withSource(e, "deleting", v.source)));
      }
    }
    if (p.values.wait !== false && dry === "none" && deleted.length > 0) {
      const t = str(p, "timeout");
      await waitUntilGone(env, deleted, t ? parseDuration(t) : 0);
    }
    return failed ? 1 : 0;
  },
};
