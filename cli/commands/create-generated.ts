// `everynode create configmap|secret generic|secret docker-registry NAME ...`: objects built
// from literals, files and env files, as kubectl's generators build them, then POSTed.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Command, CommandEnv } from "../command.js";
import { list, str } from "../command.js";
import type { ParsedFlags } from "../../shared/flags.js";
import { EverynodeError } from "../../shared/errors.js";
import { formatError } from "../error-format.js";
import {
  configMapOf,
  dockerConfigJson,
  readConfigSources,
  secretOf,
  type ConfigSourceIo,
} from "../config-sources.js";
import { dryRunSuffix, parseDryRun } from "./manifest-targets.js";

export const GENERATOR_FLAGS: Command["flags"] = [
  { name: "from-literal", type: "list", description: "configmap/secret: key=value" },
  { name: "from-file", type: "list", description: "configmap/secret: [key=]file or a directory" },
  { name: "from-env-file", type: "list", description: "configmap/secret: a file of KEY=value lines" },
  { name: "type", type: "string", description: "secret generic: the Secret's type (default Opaque)" },
  {
    name: "docker-server",
    type: "string",
    description: "secret docker-registry: the registry (default https://index.docker.io/v1/)",
  },
  { name: "docker-username", type: "string", description: "secret docker-registry: user name" },
  { name: "docker-password", type: "string", description: "secret docker-registry: password" },
  { name: "docker-email", type: "string", description: "secret docker-registry: email" },
];

/** The disk and the process environment, for the generators. */
const processSources: ConfigSourceIo = {
  read(p) {
    if (!existsSync(p)) throw new EverynodeError("Usage", `error reading ${p}: no such file or directory`);
    if (!statSync(p).isDirectory()) return { file: readFileSync(p) };
    const dir: Record<string, Buffer> = {};
    for (const name of readdirSync(p).sort()) {
      const full = path.join(p, name);
      if (statSync(full).isFile()) dir[name] = readFileSync(full);
    }
    return { dir };
  },
  env: (name) => process.env[name],
};

function usage(message: string): EverynodeError {
  return new EverynodeError("Usage", message);
}

/** The object `create <what> NAME` makes, or a usage error. */
export function generatedObject(
  p: ParsedFlags,
  namespace: string,
  io: ConfigSourceIo,
): Record<string, unknown> {
  const [what, ...rest] = p.positionals;
  const sub = what === "secret" ? rest.shift() : undefined;
  const name = rest[0];
  if (what === "secret" && sub !== "generic" && sub !== "docker-registry")
    throw usage("create secret: give generic or docker-registry, then NAME");
  if (!name) throw usage(`create ${what}${sub ? ` ${sub}` : ""}: NAME is required`);
  const sources = () =>
    readConfigSources(
      { literals: list(p, "from-literal"), files: list(p, "from-file"), envFiles: list(p, "from-env-file") },
      io,
    );
  switch (what) {
    case "configmap":
    case "cm":
      return configMapOf(name, namespace, sources());
    case "secret":
      if (sub === "generic") return secretOf(name, namespace, sources(), str(p, "type") ?? "Opaque");
      if (list(p, "from-file").length > 0) {
        const entries = sources();
        return secretOf(name, namespace, entries, "kubernetes.io/dockerconfigjson");
      }
      for (const f of ["docker-username", "docker-password"])
        if (!str(p, f)) throw usage(`create secret docker-registry: --${f} is required`);
      return secretOf(
        name,
        namespace,
        new Map([
          [
            ".dockerconfigjson",
            dockerConfigJson({
              server: str(p, "docker-server") ?? "https://index.docker.io/v1/",
              username: str(p, "docker-username") ?? "",
              password: str(p, "docker-password") ?? "",
              ...(str(p, "docker-email") ? { email: str(p, "docker-email") as string } : {}),
            }),
          ],
        ]),
        "kubernetes.io/dockerconfigjson",
      );
    default:
      throw usage(
        `create: unknown type ${JSON.stringify(what)}; use -f FILE, configmap, or secret generic|docker-registry`,
      );
  }
}

/** Runs `create <what> NAME ...`. */
export async function createGenerated(env: CommandEnv, p: ParsedFlags): Promise<number> {
  const dry = parseDryRun(str(p, "dry-run"));
  try {
    const namespace = env.namespace();
    const object = generatedObject(p, namespace, processSources);
    const plural = object["kind"] === "Secret" ? "secrets" : "configmaps";
    if (dry !== "client") {
      await env.client().json("POST", `/api/v1/namespaces/${encodeURIComponent(namespace)}/${plural}`, {
        body: object,
        query: {
          fieldManager: "everynode-create",
          fieldValidation: "Strict",
          dryRun: dry === "server" ? "All" : undefined,
        },
      });
    }
    const display = `${String(object["kind"]).toLowerCase()}/${String((object["metadata"] as { name: string }).name)}`;
    env.io.out(str(p, "output") === "name" ? `${display}\n` : `${display} created${dryRunSuffix(dry)}\n`);
    return 0;
  } catch (e) {
    env.io.err(formatError(e));
    return 1;
  }
}
