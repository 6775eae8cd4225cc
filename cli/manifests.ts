// Reading `-f`: files, directories (their .yaml/.yml/.json files), or `-` for stdin; YAML
// with several documents, JSON, and List kinds flattened into their items.

import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../shared/api-types.js";
import { EverynodeError } from "../shared/errors.js";

/** One object from a manifest, with the file it came from (for messages). */
export interface ManifestObject {
  object: KubeObject;
  source: string;
}

/** Parses one file's text into objects. */
export function parseManifest(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  const push = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value !== "object" || Array.isArray(value))
      throw new EverynodeError(
        "BadRequest",
        `error validating "${source}": error validating data: the document is not an object`,
      );
    const obj = value as KubeObject;
    if (typeof obj.kind === "string" && obj.kind.endsWith("List") && Array.isArray(obj.items)) {
      for (const item of obj.items as unknown[]) push(item);
      return;
    }
    if (!obj.apiVersion)
      throw new EverynodeError(
        "BadRequest",
        `error validating "${source}": error validating data: apiVersion not set`,
      );
    if (!obj.kind)
      throw new EverynodeError(
        "BadRequest",
        `error validating "${source}": error validating data: kind not set`,
      );
    obj.metadata = obj.metadata ?? {};
    out.push({ object: obj, source });
  };
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      for (const v of Array.isArray(parsed) ? parsed : [parsed]) push(v);
      return out;
    } catch (e) {
      if (e instanceof EverynodeError) throw e;
      // not plain JSON: let the YAML parser explain
    }
  }
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new EverynodeError(
        "BadRequest",
        `error parsing ${source}: ${doc.errors[0]?.message ?? "invalid YAML"}`,
      );
    push(doc.toJS());
  }
  return out;
}

function filesOf(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new EverynodeError("NotFound", `the path "${p}" does not exist`);
  }
  if (!st.isDirectory()) return [p];
  return readdirSync(p)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(p, f));
}

/** Reads every `-f` argument into objects. */
export async function readManifests(
  filenames: string[],
  readStdin: () => Promise<string>,
): Promise<ManifestObject[]> {
  if (filenames.length === 0) throw new EverynodeError("Usage", "must specify one of -f and -k");
  const out: ManifestObject[] = [];
  for (const f of filenames) {
    if (/^https?:\/\//.test(f))
      throw new EverynodeError("Usage", `reading manifests from URLs is not supported: ${f}`);
    if (f === "-") {
      out.push(...parseManifest(await readStdin(), "STDIN"));
      continue;
    }
    for (const file of filesOf(f)) out.push(...parseManifest(readFileSync(file, "utf8"), file));
  }
  if (out.length === 0) throw new EverynodeError("Usage", "no objects passed to apply");
  return out;
}
