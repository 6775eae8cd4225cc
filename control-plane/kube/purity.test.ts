// control-plane/kube is pure: no HTTP, no store, no process-wide side effects. A test
// rather than a lint rule, because the rule is about a folder, not one package.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const here = new URL(".", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.startsWith("test-")
      ? [path]
      : [];
  });
}

const FORBIDDEN = [
  /^express$/,
  /^node:(http|https|net|tls|fs|child_process)$/,
  /^(better-sqlite3|ws|dockerode)$/,
  /\/store\//,
  /\/api\/(app|auth-middleware|deps|resource-routes|public-routes|respond)\.js$/,
];

describe("control-plane/kube", () => {
  it.each(sources(here).map((f) => [f.slice(here.length)]))(
    "%s imports nothing with side effects",
    (file) => {
      const text = readFileSync(join(here, file), "utf8");
      const imports = [...text.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map(
        (m) => m[1] ?? "",
      );
      expect(imports.filter((i) => FORBIDDEN.some((f) => f.test(i)))).toEqual([]);
    },
  );
});
