// everynode's layering, checked on the import graph of every .ts file: no import cycles;
// the API does not reach into the controller or the agents room (they meet through
// contracts the API owns, wired in control-plane/main.ts); control-plane/kube stays pure
// Kubernetes object semantics (no API, store, controller or agents, no server packages).
// A failure names the offending arrows or the cycle's path.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findCycles, readImportGraph } from "./import-graph.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const graph = readImportGraph(root);

/** Tests may compare across rooms; the rules are about the code that ships. */
const isTest = (file: string): boolean => file.startsWith("test/") || /\.test\.ts$/.test(file);

interface Rule {
  from: RegExp;
  /** Files of everynode it may not import. */
  files?: RegExp;
  /** Packages it may not import. */
  packages?: readonly string[];
}

const RULES: Record<string, Rule> = {
  "control-plane/api imports neither the controller nor the agents room": {
    from: /^control-plane\/api\//,
    files: /^control-plane\/(controller|agents)\//,
  },
  "control-plane/kube imports no API, store, controller or agents code and no server package": {
    from: /^control-plane\/kube\//,
    files: /^control-plane\/(api|store|controller|agents)\//,
    packages: ["express", "ws", "better-sqlite3", "dockerode"],
  },
};

function offending(rule: Rule): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph.files) {
    if (!rule.from.test(file) || isTest(file)) continue;
    for (const t of targets) if (rule.files?.test(t)) found.push(`${file} → ${t}`);
    for (const p of graph.packages.get(file) ?? [])
      if (rule.packages?.includes(p)) found.push(`${file} → ${p}`);
  }
  return found.sort();
}

describe("everynode's import graph", () => {
  it("reads the sources", () => {
    // A scanner that found nothing would pass every rule.
    expect(graph.files.size).toBeGreaterThan(300);
    expect(graph.files.get("control-plane/main.ts")).toContain("control-plane/api/app.ts");
    expect(graph.files.get("cli/main.ts")).toContain("control-plane/main.ts");
    expect(graph.packages.get("agent/runtime/docker-runtime.ts")).toContain("dockerode");
  });

  it("has no import cycles", () => {
    const cycles = findCycles(graph.files);
    expect(cycles.map((c) => c.join(" → "))).toEqual([]);
  });

  it.each(Object.entries(RULES))("%s", (_name, rule) => {
    expect(offending(rule)).toEqual([]);
  });
});
