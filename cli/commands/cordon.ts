// `everynode cordon`, `uncordon` and `drain`: mark nodes (un)schedulable with a strategic
// merge patch; drain also evicts what may be evicted (every everynode pod is a DaemonSet's).

import type { Command, CommandEnv } from "../command.js";
import { bool, str } from "../command.js";
import type { Node, Pod } from "../../shared/api-types.js";
import { RESOURCES } from "../../control-plane/kube/index.js";
import { EverynodeError } from "../../shared/errors.js";
import { parseDuration } from "../../shared/duration.js";
import { usage } from "../error-format.js";
import { resolveType, resourcePath } from "../resource-args.js";
import { listObjects } from "../fetch.js";
import { waitUntilGone } from "./delete.js";
import { ignoredWarning, planDrain } from "./drain-decider.js";

function nodeNames(args: string[]): string[] {
  if (args.length === 0) throw usage("You must provide one or more resources by argument or filename.");
  return args.map((a) => {
    if (!a.includes("/")) return a;
    if (resolveType(a.slice(0, a.indexOf("/"))) !== RESOURCES.nodes)
      throw usage(`only nodes may be cordoned: ${a}`);
    return a.slice(a.indexOf("/") + 1);
  });
}

async function setUnschedulable(
  env: CommandEnv,
  name: string,
  desired: boolean,
  dryRun: boolean,
): Promise<void> {
  const client = env.client();
  const path = resourcePath(RESOURCES.nodes, undefined, name);
  const node = await client.json<Node>("GET", path);
  const verb = desired ? "cordoned" : "uncordoned";
  if ((node.spec?.unschedulable === true) === desired) {
    env.io.out(`node/${name} already ${verb}\n`);
    return;
  }
  if (!dryRun)
    await client.json("PATCH", path, {
      body: { spec: { unschedulable: desired ? true : null } },
      contentType: "application/strategic-merge-patch+json",
    });
  env.io.out(`node/${name} ${verb}${dryRun ? " (dry run)" : ""}\n`);
}

const DRY = { name: "dry-run", type: "string", description: "none, client or server" } as const;

export const cordonCommand: Command = {
  name: "cordon",
  summary: "Mark node as unschedulable",
  usage: "everynode cordon NODE...",
  flags: [DRY],
  async run(env, p) {
    for (const n of nodeNames(p.positionals))
      await setUnschedulable(env, n, true, (str(p, "dry-run") ?? "none") !== "none");
    return 0;
  },
};

export const uncordonCommand: Command = {
  name: "uncordon",
  summary: "Mark node as schedulable",
  usage: "everynode uncordon NODE...",
  flags: [DRY],
  async run(env, p) {
    for (const n of nodeNames(p.positionals))
      await setUnschedulable(env, n, false, (str(p, "dry-run") ?? "none") !== "none");
    return 0;
  },
};

export const drainCommand: Command = {
  name: "drain",
  summary: "Cordon a node and evict what runs on it",
  usage: "everynode drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--timeout=DURATION]",
  flags: [
    { name: "ignore-daemonsets", type: "boolean", description: "ignore DaemonSet-managed pods" },
    { name: "delete-emptydir-data", type: "boolean", description: "evict pods with emptyDir volumes too" },
    { name: "force", type: "boolean", description: "evict pods without a controller too" },
    { name: "timeout", type: "string", description: "how long to wait for evictions (0: for ever)" },
    { name: "grace-period", type: "string", description: "accepted for kubectl compatibility" },
    DRY,
  ],
  async run(env, p) {
    let failed = false;
    for (const name of nodeNames(p.positionals)) {
      await setUnschedulable(env, name, true, false);
      const pods = await listObjects<Pod>(env.client(), RESOURCES.pods, {
        namespace: undefined,
        fieldSelector: `spec.nodeName=${name}`,
      });
      const plan = planDrain(pods.items, {
        ignoreDaemonSets: bool(p, "ignore-daemonsets"),
        deleteEmptyDirData: bool(p, "delete-emptydir-data"),
        force: bool(p, "force"),
      });
      if (plan.errors.length > 0) {
        const joined = plan.errors.join(", ");
        env.io.err(`error: unable to drain node "${name}" due to error: ${joined}, continuing command...\n`);
        env.io.err(`There are pending nodes to be drained:\n ${name}\n`);
        for (const e of plan.errors) env.io.err(`error: ${e}\n`);
        failed = true;
        continue;
      }
      if (plan.ignoredDaemonSetPods.length > 0) env.io.err(`${ignoredWarning(plan.ignoredDaemonSetPods)}\n`);
      const victims = [];
      for (const pod of plan.evict) {
        const path = resourcePath(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name);
        env.io.out(`evicting pod ${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}\n`);
        try {
          await env.client().json("DELETE", path, { body: {} });
        } catch (e) {
          if (!(e instanceof EverynodeError && e.code === "NotFound")) throw e;
        }
        victims.push({ path, display: `pod/${pod.metadata.name ?? ""}` });
      }
      const t = str(p, "timeout");
      await waitUntilGone(env, victims, t ? parseDuration(t) : 0);
      for (const v of victims) env.io.out(`${v.display} evicted\n`);
      env.io.out(`node/${name} drained\n`);
    }
    return failed ? 1 : 0;
  },
};
