// everynode's import graph, read from the sources with the TypeScript compiler's import
// scanner: every static import, re-export and string-literal import(), type-only ones
// included (they couple modules just the same).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** The folders of everynode's own code, relative to the repository. */
export const SOURCE_DIRS = ["shared", "control-plane", "agent", "cli", "bench", "test"];

const SKIP = new Set(["node_modules", "dist", "coverage", ".everynode"]);

export interface ImportGraph {
  /** Repository-relative file → the repository-relative files it imports. */
  files: Map<string, Set<string>>;
  /** Repository-relative file → the packages it imports (bare specifiers, node: included). */
  packages: Map<string, Set<string>>;
}

function tsFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : tsFiles(root, rel);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** The package a bare specifier names: `express`, `@scope/name`, `node:fs`. */
function packageOf(specifier: string): string {
  if (specifier.startsWith("node:")) return specifier;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/** Reads the graph of every .ts file under SOURCE_DIRS of `root`. */
export function readImportGraph(root: string): ImportGraph {
  const files = new Map<string, Set<string>>();
  const packages = new Map<string, Set<string>>();
  for (const file of SOURCE_DIRS.flatMap((d) => tsFiles(root, d))) {
    const targets = new Set<string>();
    const pkgs = new Set<string>();
    const info = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith(".") && !spec.startsWith("/")) {
        pkgs.add(packageOf(spec));
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const asTs = target.replace(/\.js$/, ".ts");
      if (existsSync(path.join(root, asTs)) && asTs.endsWith(".ts")) targets.add(asTs);
    }
    files.set(file, targets);
    packages.set(file, pkgs);
  }
  return { files, packages };
}

/** One cycle per strongly connected group of files (Tarjan), as a path back to its start. */
export function findCycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.has(v)) groups.push(group);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return groups.map((g) => cycleThrough(graph, new Set(g), [...g].sort()[0]!));
}

/** A shortest path from `start` back to itself inside `group`. */
function cycleThrough(graph: Map<string, Set<string>>, group: Set<string>, start: string): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!group.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u: string | undefined = v; u !== undefined && u !== start; u = from.get(u))
          path.splice(1, 0, u);
        return [...path, start];
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
