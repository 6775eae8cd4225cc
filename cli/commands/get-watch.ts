// `get -w`: after the first listing, one line per change. Table rows come from the server
// (a watch with the Table Accept header); when an event carries a plain object, its row
// is fetched, and a deleted object reuses the last row seen for it.

import type { CommandEnv } from "../command.js";
import type { KubeObject } from "../../shared/api-types.js";
import { TABLE_ACCEPT } from "../api-client.js";
import type { ResourceRequest } from "../resource-args.js";
import { resourcePath } from "../resource-args.js";
import { getTable } from "../fetch.js";
import type { Table } from "../printers/table-printer.js";
import { WatchTableWriter, tableCells } from "../printers/table-printer.js";
import type { OutputFormat } from "./get-output.js";
import { printWatchedObject } from "./get-output.js";

export interface WatchScope {
  namespace: string | undefined;
  labelSelector?: string;
  fieldSelector?: string;
  withNamespace: boolean;
}

const rowKey = (ns: string | undefined, name: string | undefined): string => `${ns ?? ""}/${name ?? ""}`;

/** Watches one type and prints each event until the server ends the stream for good. */
export async function watchRequest(
  env: CommandEnv,
  req: ResourceRequest,
  initial: Table | undefined,
  format: OutputFormat,
  scope: WatchScope,
): Promise<void> {
  const client = env.client();
  const human = format.kind === "table";
  const opts = { wide: human && format.kind === "table" && format.wide, withNamespace: scope.withNamespace };
  const writer = new WatchTableWriter();
  const rows = new Map<string, Table>();
  let columns = initial?.columnDefinitions;
  if (initial && human) {
    const { header, rows: cells } = tableCells(initial, opts);
    if (cells.length > 0) env.io.out(writer.start(header, cells));
    for (const r of initial.rows ?? []) {
      rows.set(rowKey(r.object?.metadata?.namespace, r.object?.metadata?.name), { ...initial, rows: [r] });
    }
  }
  let resourceVersion = initial?.metadata?.resourceVersion;
  let printedHeader = (initial?.rows?.length ?? 0) > 0;
  for (;;) {
    let ended = false;
    const pending: Promise<void>[] = [];
    await client.watch(
      resourcePath(req.info, scope.namespace),
      {
        accept: human ? TABLE_ACCEPT : "application/json",
        query: {
          resourceVersion,
          allowWatchBookmarks: "true",
          labelSelector: scope.labelSelector,
          fieldSelector: scope.fieldSelector,
        },
      },
      (event) => {
        const obj = event.object as KubeObject & Table;
        if (obj.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
        if (event.type === "BOOKMARK") return;
        if (event.type === "ERROR") {
          ended = true;
          return;
        }
        if (!human) {
          env.io.out(printWatchedObject(obj, format));
          return;
        }
        const show = (table: Table): void => {
          const { header, rows: cells } = tableCells(
            { ...table, columnDefinitions: columns ?? table.columnDefinitions },
            opts,
          );
          if (!columns) columns = table.columnDefinitions;
          if (!printedHeader) {
            env.io.out(writer.start(header, cells));
            printedHeader = true;
          } else for (const c of cells) env.io.out(writer.row(c));
        };
        if (obj.kind === "Table") {
          for (const r of obj.rows ?? []) {
            rows.set(rowKey(r.object?.metadata?.namespace, r.object?.metadata?.name), { ...obj, rows: [r] });
          }
          show(obj);
          return;
        }
        const key = rowKey(obj.metadata?.namespace, obj.metadata?.name);
        const known = rows.get(key);
        if (event.type === "DELETED" && known) {
          show(known);
          return;
        }
        pending.push(
          getTable(
            client,
            req.info,
            obj.metadata.namespace ?? "",
            obj.metadata.name ?? "",
            env.io.clock.now(),
          )
            .then((t) => {
              rows.set(key, t);
              show(t);
            })
            .catch(() => undefined),
        );
      },
    );
    await Promise.all(pending);
    if (ended) return;
    // The server closed the stream (its timeout): resume from the last version seen.
    await env.io.clock.sleep(200);
  }
}
