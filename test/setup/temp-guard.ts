// Runs around the whole test run (both projects; vitest's globalSetup): gives the run a temp
// dir of its own, as TMPDIR, which os.tmpdir(), mktemp, kubectl and Docker's CLI honour and
// every process a test starts inherits. At the end, whatever is left in it was left by a
// test: the run fails and names it, then removes it, so /tmp stays as it was. Docker
// containers of everynode's nodes and dangling images that appeared during an integration
// run are named too; they fail the run only with EVERYNODE_TEST_LEFTOVERS=fail, because a
// Docker daemon shared with other runs has theirs as well.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

interface DockerSnapshot {
  containers: Set<string>;
  images: Set<string>;
}

interface GuardState {
  dir: string;
  previousTmpdir: string | undefined;
  users: number;
  docker: DockerSnapshot | undefined;
}

// One state for the run: each project loads this file on its own.
const KEY = Symbol.for("everynode.test.temp-guard");
const registry = globalThis as unknown as Record<symbol, GuardState | undefined>;

function docker(args: string[]): string[] | undefined {
  try {
    return execFileSync("docker", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 30_000,
    })
      .split("\n")
      .filter(Boolean);
  } catch {
    return undefined;
  }
}

/** everynode's containers (any node's, any compose project named everynode*) and dangling images. */
function dockerSnapshot(): DockerSnapshot | undefined {
  const format = ["--format", '{{.ID}} {{.Names}} node={{.Label "io.everynode.node"}}'];
  const nodes = docker(["ps", "-a", "--filter", "label=io.everynode.node", ...format]);
  const compose = docker([
    "ps",
    "-a",
    "--filter",
    "label=com.docker.compose.project",
    "--format",
    '{{.ID}} {{.Names}} project={{.Label "com.docker.compose.project"}}',
  ]);
  const images = docker([
    "images",
    "--filter",
    "dangling=true",
    "--no-trunc",
    "--format",
    "{{.ID}} created {{.CreatedSince}}",
  ]);
  if (!nodes || !compose || !images) return undefined;
  return {
    containers: new Set([...nodes, ...compose.filter((l) => / project=everynode/.test(l))]),
    images: new Set(images),
  };
}

/** The temp dir's entries, `name/` for directories. */
function entries(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => {
      try {
        return statSync(path.join(dir, name)).isDirectory() ? `${name}/` : name;
      } catch {
        return name;
      }
    })
    .sort();
}

function report(title: string, lines: string[], hint: string): string {
  return `${title}\n${lines.map((l) => `  ${l}`).join("\n")}\n${hint}`;
}

export default function setup(project: TestProject): () => void {
  let state = registry[KEY];
  if (!state) {
    const previousTmpdir = process.env.TMPDIR;
    const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-test-run-"));
    process.env.TMPDIR = dir;
    state = { dir, previousTmpdir, users: 0, docker: undefined };
    registry[KEY] = state;
  }
  state.users++;
  if (project.name === "integration" && !state.docker) state.docker = dockerSnapshot();
  const s = state;

  return () => {
    if (--s.users > 0) return;
    registry[KEY] = undefined;
    if (s.previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = s.previousTmpdir;

    const failures: string[] = [];
    const left = entries(s.dir);
    let removed = "now removed";
    try {
      rmSync(s.dir, { recursive: true, force: true });
    } catch (e) {
      removed = `NOT removed: ${(e as Error).message}`;
    }
    if (left.length > 0) {
      failures.push(
        report(
          `Tests left ${left.length} entries in the temp dir (during the run os.tmpdir() was ${s.dir}; ${removed}):`,
          left,
          "Each test removes what it makes (afterAll/afterEach, also when it fails); the name's prefix says which test made it.",
        ),
      );
    }

    if (s.docker) {
      const now = dockerSnapshot();
      if (now) {
        const containers = [...now.containers].filter((c) => !s.docker?.containers.has(c));
        // By ID: the rest of the line ("created 5 minutes ago") moves on.
        const id = (line: string): string => line.split(" ")[0] ?? line;
        const before = new Set([...s.docker.images].map(id));
        const images = [...now.images].filter((i) => !before.has(id(i)));
        const found: string[] = [];
        if (containers.length)
          found.push(
            report("Docker containers of everynode's test nodes left running or stopped:", containers, ""),
          );
        if (images.length)
          found.push(
            report(
              "Dangling Docker images (an image a test built, replaced and did not remove):",
              images,
              "",
            ),
          );
        if (found.length) {
          const text = `${found.join("\n")}(These may be another run's, on a shared Docker daemon.)`;
          if (process.env.EVERYNODE_TEST_LEFTOVERS === "fail") failures.push(text);
          else process.stderr.write(`\nwarning: ${text}\n`);
        }
      }
    }

    if (failures.length > 0) {
      process.stderr.write(`\nThe run fails: the tests left things behind.\n${failures.join("\n\n")}\n\n`);
      // Vitest only logs an error thrown here; the exit code is what fails the run.
      process.exitCode = 1;
    }
  };
}
