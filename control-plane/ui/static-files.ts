// The dashboard's prebuilt files (dist/ui: the page, its stylesheet, the compiled browser
// modules), read once into memory. Only these files are served: a request names an entry of
// this table or gets a 404, so no path ever reaches the file system.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Where `npm run build` puts the dashboard, seen from this file in dist/ or in the sources. */
export function defaultStaticDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, "../../ui"), path.resolve(here, "../../dist/ui")];
  return candidates.find((dir) => existsSync(path.join(dir, "index.html"))) ?? (candidates[0] as string);
}

/** Every servable file under `dir`, keyed by its path relative to it with "/" separators. */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub))) {
      if (entry.startsWith(".")) continue;
      const rel = sub ? `${sub}/${entry}` : entry;
      const full = path.join(dir, rel);
      if (statSync(full).isDirectory()) walk(rel);
      else {
        const type = TYPES[path.extname(entry)];
        if (type) files.set(rel, { body: readFileSync(full), contentType: type });
      }
    }
  };
  walk("");
  return files;
}
