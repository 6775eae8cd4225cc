// Turns what `get` fetched into text for each -o format.

import type { KubeObject } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import { printCustomColumns } from "../printers/custom-columns.js";
import { executeJsonPath } from "../printers/jsonpath.js";
import { asPrintable, objectName, stripManagedFields, toJson, toYaml } from "../printers/object-printer.js";

/** A parsed -o value. */
export type OutputFormat =
  | { kind: "table"; wide: boolean }
  | { kind: "yaml" | "json" | "name" }
  | { kind: "jsonpath"; template: string }
  | { kind: "custom-columns"; spec: string };

/** Parses -o. */
export function parseOutput(o: string | undefined): OutputFormat {
  if (o === undefined || o === "") return { kind: "table", wide: false };
  if (o === "wide") return { kind: "table", wide: true };
  if (o === "yaml" || o === "json" || o === "name") return { kind: o };
  const eq = o.indexOf("=");
  const head = eq < 0 ? o : o.slice(0, eq);
  const arg = eq < 0 ? "" : o.slice(eq + 1);
  if (head === "jsonpath" || head === "jsonpath-as-json") return { kind: "jsonpath", template: arg };
  if (head === "custom-columns") return { kind: "custom-columns", spec: arg };
  throw new EverynodeError(
    "Usage",
    `unable to match a printer suitable for the output format "${o}", allowed formats are: custom-columns,json,jsonpath,name,wide,yaml`,
  );
}

/** Prints objects in a non-table format; `single`: one object was asked for by name. */
export function printObjects(
  objects: KubeObject[],
  format: OutputFormat,
  single: boolean,
  noHeaders = false,
): string {
  switch (format.kind) {
    case "yaml":
      return toYaml(asPrintable(objects, single));
    case "json":
      return toJson(asPrintable(objects, single));
    case "name":
      return objects.map((o) => `${objectName(o)}\n`).join("");
    case "jsonpath":
      return executeJsonPath(format.template, asPrintable(objects, single));
    case "custom-columns":
      return objects.length === 0
        ? ""
        : printCustomColumns(objects.map(stripManagedFields), format.spec, noHeaders);
    default:
      return "";
  }
}

/** Prints one watch event's object in a non-table format. */
export function printWatchedObject(obj: KubeObject, format: OutputFormat): string {
  if (format.kind === "yaml") return `---\n${toYaml(stripManagedFields(obj))}`;
  if (format.kind === "custom-columns") return printCustomColumns([obj], format.spec, true);
  return printObjects([obj], format, true);
}
