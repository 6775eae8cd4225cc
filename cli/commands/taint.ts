// `everynode taint nodes NAME k=v:Effect k2:Effect- ...`: one strategic merge patch with the
// whole new taint list (taints have no merge key, so the list is replaced).

import type { Command } from "../command.js";
import { bool } from "../command.js";
import type { Node } from "../../shared/api-types.js";
import { RESOURCES } from "../../control-plane/kube/index.js";
import { usage } from "../error-format.js";
import { resolveType, resourcePath } from "../resource-args.js";
import { applyTaintChanges, parseTaintArgs } from "../taints.js";

export const taintCommand: Command = {
  name: "taint",
  summary: "Update the taints on one or more nodes",
  usage: "everynode taint nodes NAME KEY[=VALUE]:EFFECT ... | KEY[:EFFECT]-",
  flags: [
    { name: "overwrite", type: "boolean", description: "replace a taint with the same key and effect" },
  ],
  async run(env, p) {
    const [typeArg, ...rest] = p.positionals;
    if (!typeArg) throw usage("You must provide one or more resources by argument or filename.");
    let names: string[];
    let specs: string[];
    if (typeArg.includes("/")) {
      if (resolveType(typeArg.slice(0, typeArg.indexOf("/"))) !== RESOURCES.nodes)
        throw usage("only nodes can be tainted");
      names = [typeArg.slice(typeArg.indexOf("/") + 1)];
      specs = rest;
    } else {
      if (resolveType(typeArg) !== RESOURCES.nodes) throw usage("only nodes can be tainted");
      const [name, ...more] = rest;
      if (!name) throw usage("You must provide one or more resources by argument or filename.");
      names = [name];
      specs = more;
    }
    const changes = parseTaintArgs(specs);
    const client = env.client();
    for (const name of names) {
      const path = resourcePath(RESOURCES.nodes, undefined, name);
      const node = await client.json<Node>("GET", path);
      const { taints, operation } = applyTaintChanges(
        name,
        node.spec?.taints ?? [],
        changes,
        bool(p, "overwrite"),
      );
      await client.json("PATCH", path, {
        body: { spec: { taints: taints.length > 0 ? taints : null } },
        contentType: "application/strategic-merge-patch+json",
        query: { fieldManager: "everynode-taint", fieldValidation: "Strict" },
      });
      env.io.out(`node/${name} ${operation}\n`);
    }
    return 0;
  },
};
