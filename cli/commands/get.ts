// `everynode get`: kubectl's get for everynode's types, printing the server's Tables or the
// objects in the -o format, optionally watching for changes.

import type { Command, CommandEnv } from "../command.js";
import { bool, list, str } from "../command.js";
import type { ParsedFlags } from "../../shared/flags.js";
import type { KubeObject } from "../../shared/api-types.js";
import type { ResourceInfo } from "../../control-plane/kube/index.js";
import { findResource, resourceForKind } from "../../control-plane/kube/index.js";
import { formatError, usage } from "../error-format.js";
import type { ResourceRequest } from "../resource-args.js";
import { kindPrefix, parseResourceArgs } from "../resource-args.js";
import { readManifests } from "../manifests.js";
import { getObject, getTable, listObjects, listTable } from "../fetch.js";
import type { Table } from "../printers/table-printer.js";
import { printTable } from "../printers/table-printer.js";
import { parseOutput, printObjects } from "./get-output.js";
import { watchRequest } from "./get-watch.js";

interface Fetched {
  info: ResourceInfo;
  table?: Table;
  objects: KubeObject[];
}

function mergeTables(tables: Table[]): Table | undefined {
  const [first, ...rest] = tables;
  if (!first) return undefined;
  return { ...first, rows: [...(first.rows ?? []), ...rest.flatMap((t) => t.rows ?? [])] };
}

async function requestsFrom(env: CommandEnv, p: ParsedFlags): Promise<ResourceRequest[]> {
  const files = list(p, "filename");
  if (files.length === 0) return parseResourceArgs(p.positionals);
  const out: ResourceRequest[] = [];
  for (const m of await readManifests(files, env.io.readStdin)) {
    const info = m.object.kind ? (resourceForKind(m.object.kind) ?? findResource(m.object.kind)) : undefined;
    if (!info) continue;
    const existing = out.find((r) => r.info === info);
    if (existing) existing.names.push(m.object.metadata.name ?? "");
    else out.push({ info, names: [m.object.metadata.name ?? ""] });
  }
  return out;
}

export const getCommand: Command = {
  name: "get",
  summary: "Display one or many resources",
  usage:
    "everynode get TYPE[.GROUP] [NAME...] | TYPE/NAME... [-o wide|yaml|json|name|jsonpath=...|custom-columns=...]",
  flags: [
    { name: "output", short: "o", type: "string", description: "output format" },
    { name: "all-namespaces", short: "A", type: "boolean", description: "list across all namespaces" },
    { name: "selector", short: "l", type: "string", description: "label selector" },
    { name: "field-selector", type: "string", description: "field selector" },
    { name: "watch", short: "w", type: "boolean", description: "watch for changes after listing" },
    { name: "show-labels", type: "boolean", description: "show labels as the last column" },
    { name: "no-headers", type: "boolean", description: "do not print headers" },
    { name: "filename", short: "f", type: "list", description: "the objects named in these files" },
  ],
  async run(env, p) {
    const format = parseOutput(str(p, "output"));
    const allNs = bool(p, "all-namespaces");
    const requests = await requestsFrom(env, p);
    const client = env.client();
    const ns = env.namespace();
    const now = env.io.clock.now();
    const scope = {
      namespace: allNs ? undefined : ns,
      labelSelector: str(p, "selector"),
      fieldSelector: str(p, "field-selector"),
    };
    const human = format.kind === "table";
    let failed = false;
    const fetched: Fetched[] = [];
    for (const req of requests) {
      const f: Fetched = { info: req.info, objects: [] };
      if (req.names.length === 0) {
        if (human) f.table = await listTable(client, req.info, scope, now);
        else f.objects = (await listObjects(client, req.info, scope)).items;
      } else {
        const tables: Table[] = [];
        for (const name of req.names) {
          try {
            if (human) tables.push(await getTable(client, req.info, ns, name, now));
            else f.objects.push(await getObject(client, req.info, ns, name));
          } catch (e) {
            failed = true;
            env.io.err(formatError(e));
          }
        }
        f.table = mergeTables(tables);
      }
      fetched.push(f);
    }
    const listed = requests.every((r) => r.names.length === 0);
    if (human) {
      const prefixed = requests.length > 1;
      const blocks = fetched
        .map((f) =>
          f.table
            ? printTable(f.table, {
                wide: format.kind === "table" && format.wide,
                withNamespace: allNs && f.info.namespaced,
                showLabels: bool(p, "show-labels"),
                noHeaders: bool(p, "no-headers"),
                ...(prefixed ? { kindPrefix: kindPrefix(f.info) } : {}),
              })
            : "",
        )
        .filter((b) => b.length > 0);
      env.io.out(blocks.join("\n"));
      if (blocks.length === 0 && listed && !bool(p, "watch")) {
        const namespaced = requests.some((r) => r.info.namespaced);
        env.io.err(
          namespaced && !allNs ? `No resources found in ${ns} namespace.\n` : "No resources found\n",
        );
      }
    } else {
      const objects = fetched.flatMap((f) => f.objects);
      const single = !listed && requests.length === 1 && requests[0]?.names.length === 1;
      env.io.out(printObjects(objects, format, single, bool(p, "no-headers")));
    }
    if (bool(p, "watch")) {
      const first = requests[0];
      const firstFetched = fetched[0];
      if (requests.length !== 1 || !first || !firstFetched)
        throw usage("you may only specify a single resource type to watch");
      await watchRequest(env, first, firstFetched.table, format, {
        namespace: scope.namespace,
        labelSelector: scope.labelSelector,
        fieldSelector: first.names.length === 1 ? `metadata.name=${first.names[0]}` : scope.fieldSelector,
        withNamespace: allNs && first.info.namespaced,
      });
    }
    return failed ? 1 : 0;
  },
};
