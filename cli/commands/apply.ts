// `everynode apply -f`: create what is missing, patch what changed (client-side, with the
// last-applied annotation, or server-side apply), leave the rest unchanged.

import type { Command } from "../command.js";
import { bool, list, str } from "../command.js";
import type { KubeObject } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import { formatError, withSource } from "../error-format.js";
import { readManifests } from "../manifests.js";
import { applyPatch, withLastApplied } from "../three-way-merge.js";
import { dryRunSuffix, parseDryRun, targetOf, withNamespace } from "./manifest-targets.js";
import type { Target } from "./manifest-targets.js";
import type { CommandEnv } from "../command.js";

async function applyOne(
  env: CommandEnv,
  t: Target,
  dry: "none" | "client" | "server",
  serverSide: boolean,
  force: boolean,
): Promise<string> {
  const client = env.client();
  const dryRun = dry === "server" ? "All" : undefined;
  const suffix = dryRunSuffix(dry);
  if (serverSide) {
    if (dry !== "client")
      await client.json("PATCH", t.itemPath, {
        body: withNamespace(t.object, t.namespace),
        contentType: "application/apply-patch+yaml",
        query: {
          fieldManager: "everynode",
          fieldValidation: "Strict",
          force: force ? "true" : "false",
          dryRun,
        },
      });
    return `${t.display} serverside-applied${suffix}`;
  }
  let current: KubeObject | undefined;
  try {
    current = await client.json<KubeObject>("GET", t.itemPath);
  } catch (e) {
    if (!(e instanceof EverynodeError) || e.code !== "NotFound") throw e;
  }
  if (!current) {
    if (dry !== "client")
      await client
        .json("POST", t.collectionPath, {
          body: withLastApplied(t.object, t.namespace),
          query: { fieldManager: "everynode-client-side-apply", fieldValidation: "Strict", dryRun },
        })
        .catch((e: unknown) => {
          throw withSource(e, "creating", t.source);
        });
    return `${t.display} created${suffix}`;
  }
  const { patch, missingAnnotation } = applyPatch(t.object, t.namespace, current);
  if (missingAnnotation)
    env.io.err(
      `Warning: resource ${t.info.resource}/${t.name} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by everynode apply. everynode apply should only be used on resources created declaratively by either everynode create --save-config or everynode apply. The missing annotation will be patched automatically.\n`,
    );
  if (!patch) return `${t.display} unchanged${suffix}`;
  if (dry !== "client")
    await client
      .json("PATCH", t.itemPath, {
        body: patch,
        contentType: "application/merge-patch+json",
        query: { fieldManager: "everynode-client-side-apply", fieldValidation: "Strict", dryRun },
      })
      .catch((e: unknown) => {
        throw withSource(e, "patching", t.source);
      });
  return `${t.display} configured${suffix}`;
}

export const applyCommand: Command = {
  name: "apply",
  summary: "Apply a configuration to a resource by file name or stdin",
  usage: "everynode apply -f FILENAME|DIR|- [--server-side] [--dry-run=client|server]",
  flags: [
    { name: "filename", short: "f", type: "list", description: "files, directories or - for stdin" },
    { name: "server-side", type: "boolean", description: "let the server merge (server-side apply)" },
    {
      name: "force-conflicts",
      type: "boolean",
      description: "with --server-side: take over conflicting fields",
    },
    { name: "dry-run", type: "string", description: "none, client or server" },
    { name: "validate", type: "string", description: "accepted for kubectl compatibility" },
    { name: "output", short: "o", type: "string", description: "name: print only resource/name" },
  ],
  async run(env, p) {
    const dry = parseDryRun(str(p, "dry-run"));
    const manifests = await readManifests(list(p, "filename"), env.io.readStdin);
    const explicit = p.values.namespace !== undefined;
    let failed = false;
    for (const m of manifests) {
      try {
        const t = targetOf(m, env.namespace(), explicit);
        const line = await applyOne(env, t, dry, bool(p, "server-side"), bool(p, "force-conflicts"));
        env.io.out(str(p, "output") === "name" ? `${t.display}\n` : `${line}\n`);
      } catch (e) {
        failed = true;
        env.io.err(formatError(e));
      }
    }
    return failed ? 1 : 0;
  },
};
