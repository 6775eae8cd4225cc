// `everynode logs POD|ds/NAME [-c CONTAINER] [-f] [--tail N] [--timestamps] [--previous]`.

import type { Command } from "../command.js";
import { bool, str } from "../command.js";
import { RESOURCES } from "../../control-plane/kube/index.js";
import { usage } from "../error-format.js";
import { parseDuration } from "../../shared/duration.js";
import { resourcePath } from "../resource-args.js";
import { containerOf, podFor } from "../pod-target.js";

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
    const pod = await podFor(env, target, "get logs of");
    const container = containerOf(env, pod, str(p, "container") ?? containerArg);
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
