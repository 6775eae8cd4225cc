// `everynode logs POD|ds/NAME [-c CONTAINER] [-f] [--tail N] [--timestamps] [--previous]`.

import type { Command } from "../command.js";
import { bool, str } from "../command.js";
import type { Pod } from "../../shared/api-types.js";
import { RESOURCES } from "../../control-plane/kube/index.js";
import { EverynodeError } from "../../shared/errors.js";
import { usage } from "../error-format.js";
import { parseDuration } from "../../shared/duration.js";
import { resolveType, resourcePath } from "../resource-args.js";
import { listObjects } from "../fetch.js";
import { selectorText } from "../describe/common.js";
import type { DaemonSet } from "../../shared/api-types.js";
import type { CommandEnv } from "../command.js";

async function podFor(env: CommandEnv, arg: string): Promise<Pod> {
  const ns = env.namespace();
  const client = env.client();
  const slash = arg.indexOf("/");
  const info = slash < 0 ? RESOURCES.pods : resolveType(arg.slice(0, slash));
  const name = slash < 0 ? arg : arg.slice(slash + 1);
  try {
    if (info === RESOURCES.pods) return await client.json<Pod>("GET", resourcePath(info, ns, name));
    if (info !== RESOURCES.daemonsets) throw usage(`cannot get logs of a ${info.kind}`);
    const ds = await client.json<DaemonSet>("GET", resourcePath(info, ns, name));
    const pods = (
      await listObjects<Pod>(client, RESOURCES.pods, {
        namespace: ns,
        labelSelector: selectorText(ds.spec.selector),
      })
    ).items
      .filter((p) => (p.metadata.ownerReferences ?? []).some((o) => o.uid === ds.metadata.uid))
      .sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
    const first = pods[0];
    if (!first)
      throw new EverynodeError(
        "NotFound",
        `timed out waiting for the condition: no pods of daemonset.apps/${name}`,
      );
    if (pods.length > 1) env.io.err(`Found ${pods.length} pods, using pod/${first.metadata.name ?? ""}\n`);
    return first;
  } catch (e) {
    if (e instanceof EverynodeError && e.code === "NotFound" && e.message.endsWith("not found"))
      throw new EverynodeError("NotFound", `error from server (NotFound): ${e.message} in namespace "${ns}"`);
    throw e;
  }
}

export const logsCommand: Command = {
  name: "logs",
  summary: "Print the logs for a container in a pod",
  usage: "everynode logs POD|ds/NAME [-c CONTAINER] [-f] [--tail N] [--timestamps] [--previous]",
  flags: [
    { name: "container", short: "c", type: "string", description: "the container" },
    { name: "follow", short: "f", type: "boolean", description: "stream new lines as they come" },
    { name: "tail", type: "string", description: "only the last N lines" },
    { name: "timestamps", type: "boolean", description: "prefix each line with its time" },
    { name: "previous", short: "p", type: "boolean", description: "the previous instance of the container" },
    { name: "since", type: "string", description: "only lines newer than this duration" },
  ],
  async run(env, p) {
    const [target, containerArg] = p.positionals;
    if (!target)
      throw usage(
        "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
      );
    const pod = await podFor(env, target);
    const names = (pod.spec.containers ?? []).map((c) => c.name);
    let container = str(p, "container") ?? containerArg;
    if (!container) {
      container = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"] ?? names[0];
      if (names.length > 1 && !pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"])
        env.io.err(`Defaulted container "${container ?? ""}" out of: ${names.join(", ")}\n`);
    }
    const tail = str(p, "tail");
    const since = str(p, "since");
    const query = {
      container,
      follow: bool(p, "follow") ? "true" : undefined,
      tailLines: tail !== undefined && tail !== "-1" ? tail : undefined,
      timestamps: bool(p, "timestamps") ? "true" : undefined,
      previous: bool(p, "previous") ? "true" : undefined,
      sinceSeconds: since ? String(Math.floor(parseDuration(since) / 1000)) : undefined,
    };
    await env
      .client()
      .stream(
        resourcePath(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name) + "/log",
        { query, accept: "*/*" },
        (t) => env.io.out(t),
      );
    return 0;
  },
};
