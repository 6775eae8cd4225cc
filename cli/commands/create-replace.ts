// `everynode create -f` (POST) and `everynode replace -f` (PUT with the current version).

import type { Command, CommandEnv } from "../command.js";
import { bool, list, str } from "../command.js";
import type { KubeObject } from "../../shared/api-types.js";
import { formatError, withSource } from "../error-format.js";
import { readManifests } from "../manifests.js";
import { withLastApplied } from "../three-way-merge.js";
import { dryRunSuffix, parseDryRun, targetOf, withNamespace } from "./manifest-targets.js";
import type { Target } from "./manifest-targets.js";
import { createGenerated, GENERATOR_FLAGS } from "./create-generated.js";

const FLAGS: Command["flags"] = [
  { name: "filename", short: "f", type: "list", description: "files, directories or - for stdin" },
  { name: "dry-run", type: "string", description: "none, client or server" },
  {
    name: "save-config",
    type: "boolean",
    description: "record the last-applied annotation (for later apply)",
  },
  { name: "validate", type: "string", description: "accepted for kubectl compatibility" },
  { name: "output", short: "o", type: "string", description: "name: print only resource/name" },
];

async function eachTarget(
  env: CommandEnv,
  files: string[],
  explicit: boolean,
  fn: (t: Target) => Promise<string>,
): Promise<number> {
  let failed = false;
  for (const m of await readManifests(files, env.io.readStdin)) {
    try {
      env.io.out(`${await fn(targetOf(m, env.namespace(), explicit))}\n`);
    } catch (e) {
      failed = true;
      env.io.err(formatError(e));
    }
  }
  return failed ? 1 : 0;
}

export const createCommand: Command = {
  name: "create",
  summary: "Create a resource from a file or from stdin, or a ConfigMap or Secret from literals and files",
  usage:
    "everynode create -f FILENAME|DIR|-\n       everynode create configmap NAME [--from-literal=k=v] [--from-file=[k=]path] [--from-env-file=path]\n       everynode create secret generic|docker-registry NAME ...\n       everynode create serviceaccount NAME\n       everynode create token SERVICEACCOUNT [--duration=1h] [--audience=A] [--bound-object-kind=Pod|Secret --bound-object-name=N]",
  flags: [...FLAGS, ...GENERATOR_FLAGS],
  async run(env, p) {
    if (p.positionals.length > 0) return createGenerated(env, p);
    const dry = parseDryRun(str(p, "dry-run"));
    return eachTarget(env, list(p, "filename"), p.values.namespace !== undefined, async (t) => {
      const body = bool(p, "save-config")
        ? withLastApplied(t.object, t.namespace)
        : withNamespace(t.object, t.namespace);
      if (dry !== "client") {
        await env
          .client()
          .json<KubeObject>("POST", t.collectionPath, {
            body,
            query: {
              fieldManager: "everynode-create",
              fieldValidation: "Strict",
              dryRun: dry === "server" ? "All" : undefined,
            },
          })
          .catch((e: unknown) => {
            throw withSource(e, "creating", t.source);
          });
      }
      return str(p, "output") === "name" ? t.display : `${t.display} created${dryRunSuffix(dry)}`;
    });
  },
};

export const replaceCommand: Command = {
  name: "replace",
  summary: "Replace a resource by file name or stdin",
  usage: "everynode replace -f FILENAME|DIR|-",
  flags: FLAGS,
  async run(env, p) {
    const dry = parseDryRun(str(p, "dry-run"));
    return eachTarget(env, list(p, "filename"), p.values.namespace !== undefined, async (t) => {
      const client = env.client();
      try {
        const body = withNamespace(t.object, t.namespace);
        if (!body.metadata.resourceVersion) {
          const current = await client.json<KubeObject>("GET", t.itemPath);
          body.metadata = { ...body.metadata, resourceVersion: current.metadata.resourceVersion };
        }
        if (dry !== "client")
          await client.json("PUT", t.itemPath, {
            body,
            query: {
              fieldManager: "everynode-replace",
              fieldValidation: "Strict",
              dryRun: dry === "server" ? "All" : undefined,
            },
          });
      } catch (e) {
        throw withSource(e, "replacing", t.source);
      }
      return str(p, "output") === "name" ? t.display : `${t.display} replaced${dryRunSuffix(dry)}`;
    });
  },
};
