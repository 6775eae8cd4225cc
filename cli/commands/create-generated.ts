// `everynode create configmap|secret generic|secret docker-registry NAME ...`: objects built
// from literals, files and env files, as kubectl's generators build them, then POSTed.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Command, CommandEnv } from "../command.js";
import { list, str } from "../command.js";
import type { ParsedFlags } from "../../shared/flags.js";
import { parseDuration } from "../../shared/duration.js";
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
  { name: "duration", type: "string", description: "token: how long it is valid (default 1h, at least 10m)" },
  { name: "audience", type: "list", description: "token: an audience (default the API's)" },
  { name: "bound-object-kind", type: "string", description: "token: Pod or Secret to bind it to" },
  { name: "bound-object-name", type: "string", description: "token: the bound object's name" },
  { name: "bound-object-uid", type: "string", description: "token: the bound object's uid" },
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
    case "serviceaccount":
    case "sa":
      return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace } };
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
        `create: unknown type ${JSON.stringify(what)}; use -f FILE, configmap, secret generic|docker-registry, serviceaccount or token`,
      );
  }
}

/** The TokenRequest of `create token NAME`, as kubectl sends it. */
export function tokenRequestOf(p: ParsedFlags): Record<string, unknown> {
  const spec: Record<string, unknown> = { audiences: list(p, "audience") };
  const duration = str(p, "duration");
  if (duration !== undefined) spec["expirationSeconds"] = Math.floor(parseDuration(duration) / 1000);
  const kind = str(p, "bound-object-kind");
  if (kind !== undefined) {
    if (kind !== "Pod" && kind !== "Secret")
      throw usage(`create token: --bound-object-kind must be Pod or Secret, not ${kind}`);
    const name = str(p, "bound-object-name");
    if (!name) throw usage("create token: --bound-object-name is required with --bound-object-kind");
    const uid = str(p, "bound-object-uid");
    spec["boundObjectRef"] = { kind, apiVersion: "v1", name, ...(uid ? { uid } : {}) };
  }
  return { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec };
}

/** `create token NAME`: prints the token alone, as kubectl does. */
async function createToken(env: CommandEnv, p: ParsedFlags): Promise<number> {
  const name = p.positionals[1];
  if (!name) throw usage("create token: NAME (a ServiceAccount) is required");
  const ns = encodeURIComponent(env.namespace());
  const reply = await env
    .client()
    .json<{ status?: { token?: string } }>(
      "POST",
      `/api/v1/namespaces/${ns}/serviceaccounts/${encodeURIComponent(name)}/token`,
      { body: tokenRequestOf(p) },
    );
  env.io.out(`${reply.status?.token ?? ""}\n`);
  return 0;
}

/** Runs `create <what> NAME ...`. */
export async function createGenerated(env: CommandEnv, p: ParsedFlags): Promise<number> {
  const dry = parseDryRun(str(p, "dry-run"));
  try {
    if (p.positionals[0] === "token") return await createToken(env, p);
    const namespace = env.namespace();
    const object = generatedObject(p, namespace, processSources);
    const plural = { Secret: "secrets", ConfigMap: "configmaps", ServiceAccount: "serviceaccounts" }[
      String(object["kind"])
    ];
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
