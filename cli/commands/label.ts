// `everynode label` and `everynode annotate`: KEY=VALUE and KEY- on any objects, sent as
// one JSON merge patch each.

import type { Command } from "../command.js";
import { bool, str } from "../command.js";
import type { KubeObject } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import { usage } from "../error-format.js";
import { kindPrefix, parseResourceArgs, resourcePath } from "../resource-args.js";
import { listObjects } from "../fetch.js";

/** Parsed KEY=VALUE / KEY- arguments. */
export interface MetaChanges {
  set: Record<string, string>;
  remove: string[];
}

/** Splits the arguments into resource words and changes. */
export function splitMetaArgs(args: string[]): { resources: string[]; changes: MetaChanges } {
  const changes: MetaChanges = { set: {}, remove: [] };
  const resources: string[] = [];
  for (const a of args) {
    if (a.includes("=")) {
      const eq = a.indexOf("=");
      if (eq === 0) throw usage(`invalid label spec: ${a}`);
      changes.set[a.slice(0, eq)] = a.slice(eq + 1);
    } else if (a.endsWith("-") && a.length > 1 && resources.length > 0) changes.remove.push(a.slice(0, -1));
    else resources.push(a);
  }
  return { resources, changes };
}

/** The merge patch for one object, or kubectl's error when a key would change without --overwrite. */
export function metaPatch(
  field: "labels" | "annotations",
  current: Record<string, string> | undefined,
  changes: MetaChanges,
  overwrite: boolean,
): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(changes.set)) {
    const old = current?.[k];
    if (old === v) continue;
    if (old !== undefined && !overwrite)
      throw new EverynodeError("Conflict", `'${k}' already has a value (${old}), and --overwrite is false`);
    patch[k] = v;
  }
  for (const k of changes.remove) {
    if (field === "labels" && current?.[k] === undefined) continue;
    patch[k] = null;
  }
  return patch;
}

function metaCommand(
  field: "labels" | "annotations",
  verb: "label" | "annotate",
  done: [string, string],
): Command {
  return {
    name: verb,
    summary: `Update the ${field} on a resource`,
    usage: `everynode ${verb} TYPE NAME KEY=VALUE ... KEY- [--overwrite]`,
    flags: [
      { name: "overwrite", type: "boolean", description: "allow changing an existing value" },
      { name: "selector", short: "l", type: "string", description: "label selector" },
      { name: "all", type: "boolean", description: "every object of the type" },
      {
        name: "all-namespaces",
        short: "A",
        type: "boolean",
        description: "with -l or --all: in every namespace",
      },
      { name: "list", type: "boolean", description: "print the current values" },
    ],
    async run(env, p) {
      const { resources, changes } = splitMetaArgs(p.positionals);
      const ns = env.namespace();
      const client = env.client();
      const targets: { path: string; display: string }[] = [];
      for (const req of parseResourceArgs(resources)) {
        if (req.names.length > 0) {
          for (const n of req.names)
            targets.push({ path: resourcePath(req.info, ns, n), display: `${kindPrefix(req.info)}/${n}` });
          continue;
        }
        if (!str(p, "selector") && !bool(p, "all"))
          throw usage("resource(s) were provided, but no name was specified");
        const items = await listObjects(client, req.info, {
          namespace: bool(p, "all-namespaces") ? undefined : ns,
          labelSelector: str(p, "selector"),
        });
        for (const o of items.items)
          targets.push({
            path: resourcePath(req.info, o.metadata.namespace ?? ns, o.metadata.name),
            display: `${kindPrefix(req.info)}/${o.metadata.name ?? ""}`,
          });
      }
      const listOnly = bool(p, "list");
      if (!listOnly && Object.keys(changes.set).length === 0 && changes.remove.length === 0)
        throw usage(`at least one ${field === "labels" ? "label" : "annotation"} update is required`);
      for (const t of targets) {
        const obj = await client.json<KubeObject>("GET", t.path);
        if (listOnly) {
          for (const [k, v] of Object.entries(obj.metadata[field] ?? {})) env.io.out(`${k}=${v}\n`);
          continue;
        }
        const patch = metaPatch(field, obj.metadata[field], changes, bool(p, "overwrite"));
        if (Object.keys(patch).length === 0) {
          env.io.out(`${t.display} not ${done[0]}\n`);
          continue;
        }
        await client.json("PATCH", t.path, {
          body: { metadata: { [field]: patch } },
          contentType: "application/merge-patch+json",
          query: { fieldManager: `everynode-${verb}` },
        });
        const onlyRemoved = Object.keys(changes.set).length === 0;
        env.io.out(`${t.display} ${onlyRemoved ? done[1] : done[0]}\n`);
      }
      return 0;
    },
  };
}

export const labelCommand = metaCommand("labels", "label", ["labeled", "unlabeled"]);
export const annotateCommand = metaCommand("annotations", "annotate", ["annotated", "annotated"]);
