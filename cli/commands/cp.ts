// `everynode cp SRC DEST`, one side `[NAMESPACE/]POD:PATH`, as kubectl's: files and
// directories both ways, carried as a tar through exec in the container (`tar -xmf -` in,
// `tar cf -` out), the tar made and read by everynode itself (cli/tar.ts).

import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command, CommandEnv } from "../command.js";
import { str } from "../command.js";
import { usage } from "../error-format.js";
import { runExec } from "../exec-stream.js";
import { parsePodPath, type PodPath } from "../cp-paths.js";
import { endOfArchive, extractTo, tarOf } from "../local-tar.js";
import { containerOf } from "../pod-target.js";
import { TarReader } from "../tar.js";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";

interface Target {
  namespace: string;
  pod: string;
  container: string;
}

async function targetOf(env: CommandEnv, p: PodPath, named: string | undefined): Promise<Target> {
  const namespace = p.namespace ?? env.namespace();
  const pod = await env
    .client()
    .json<Pod>(
      "GET",
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(p.pod)}`,
    );
  return { namespace, pod: p.pod, container: containerOf(env, pod, named) };
}

/** Runs a command in the container; its exit code, and its stderr for messages. */
async function run(
  env: CommandEnv,
  t: Target,
  command: string[],
  io: { input?: AsyncIterable<Buffer>; stdout?: (b: Buffer) => void } = {},
): Promise<{ exitCode: number; stderr: string }> {
  let stderr = "";
  const end = await runExec(
    env.client(),
    { ...t, command, tty: false },
    {
      ...(io.input ? { input: io.input } : {}),
      stdout: io.stdout ?? (() => {}),
      stderr: (b) => void (stderr += b.toString("utf8")),
    },
  );
  if ("error" in end) throw new EverynodeError("InternalError", end.error);
  return { exitCode: end.exitCode, stderr };
}

function failed(what: string, r: { exitCode: number; stderr: string }): EverynodeError {
  const why = r.stderr.trim() || `exit code ${r.exitCode}`;
  return new EverynodeError("InternalError", `${what}: ${why}`);
}

async function* concat(...parts: AsyncIterable<Buffer>[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield* part;
}

async function copyIn(env: CommandEnv, source: string, to: PodPath, container?: string): Promise<void> {
  if (!existsSync(source)) throw new EverynodeError("NotFound", `stat ${source}: no such file or directory`);
  const t = await targetOf(env, to, container);
  let dest = to.path.replace(/\/+$/, "") || "/";
  // Into an existing directory, as cp does: the source keeps its name there.
  if ((await run(env, t, ["test", "-d", dest])).exitCode === 0)
    dest = path.posix.join(dest, path.basename(path.resolve(source)));
  const warn = (text: string): void => env.io.err(`${text}\n`);
  const input = concat(tarOf(source, path.posix.basename(dest), warn), endOfArchive());
  const r = await run(env, t, ["tar", "-xmf", "-", "-C", path.posix.dirname(dest)], { input });
  if (r.exitCode !== 0) throw failed(`copying into ${to.pod}:${dest} failed`, r);
}

async function copyOut(env: CommandEnv, from: PodPath, dest: string, container?: string): Promise<void> {
  const t = await targetOf(env, from, container);
  const source = from.path.replace(/\/+$/, "") || "/";
  const base = path.posix.basename(source);
  if (!base) throw usage("cp cannot copy a pod's root directory; name a directory in it");
  let local = dest;
  // A file copied to an existing local directory keeps its name there.
  if (
    existsSync(dest) &&
    statSync(dest).isDirectory() &&
    (await run(env, t, ["test", "-d", source])).exitCode !== 0
  )
    local = path.join(dest, base);
  const sink = extractTo(local, base, (text) => env.io.err(text));
  const reader = new TarReader(sink);
  const r = await run(env, t, ["tar", "cf", "-", "-C", path.posix.dirname(source), base], {
    stdout: (b) => reader.push(b),
  });
  if (r.exitCode !== 0) throw failed(`copying ${from.pod}:${source} failed`, r);
}

export const cpCommand: Command = {
  name: "cp",
  summary: "Copy files and directories to and from containers",
  usage: "everynode cp [-c CONTAINER] SRC DEST   (one of them [NAMESPACE/]POD:PATH)",
  flags: [
    {
      name: "container",
      short: "c",
      type: "string",
      description: "the container (default: the pod's first)",
    },
  ],
  async run(env, p) {
    const [src, dest, ...more] = p.positionals;
    if (!src || !dest || more.length > 0)
      throw usage("source and destination are required: everynode cp SRC DEST");
    const from = parsePodPath(src);
    const to = parsePodPath(dest);
    const container = str(p, "container");
    if (from && to) throw usage("one of src or dest must be a local file specification");
    if (to) await copyIn(env, src, to, container);
    else if (from) await copyOut(env, from, dest, container);
    else throw usage("one of src or dest must be a remote file specification");
    return 0;
  },
};
