// The pure half of `GET .../pods/{name}/log`: which container, and the options as the agent
// needs them. Kubernetes' rules: the named container, else the default-container
// annotation, else the only container; several and none named is a 400.

import type { Pod } from "../../shared/api-types.js";
import { errors } from "../../shared/errors.js";
import type { PodLogOptions } from "./pod-log-streamer.js";
import { boolParam } from "./respond.js";

const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

/** The container whose logs are asked for. */
export function chooseContainer(pod: Pod, requested: string | null): string {
  const names = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((c) => c.name);
  const podName = pod.metadata.name ?? "";
  if (requested) {
    if (!names.includes(requested)) {
      throw errors.badRequest(`container ${requested} is not valid for pod ${podName}`);
    }
    return requested;
  }
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return annotated;
  const main = (pod.spec.containers ?? []).map((c) => c.name);
  if (main.length === 1) return main[0] as string;
  throw errors.badRequest(
    `a container name must be specified for pod ${podName}, choose one of: [${main.join(" ")}]`,
  );
}

function optionalInt(q: URLSearchParams, name: string, min: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw errors.badRequest(`invalid ${name}: ${JSON.stringify(raw)}`);
  return n;
}

/** The streamer's options from the query string. */
export function parseLogOptions(pod: Pod, q: URLSearchParams): PodLogOptions {
  const options: PodLogOptions = {
    container: chooseContainer(pod, q.get("container")),
    follow: boolParam(q, "follow"),
    timestamps: boolParam(q, "timestamps"),
    previous: boolParam(q, "previous"),
  };
  const tailLines = optionalInt(q, "tailLines", 0);
  const sinceSeconds = optionalInt(q, "sinceSeconds", 1);
  const limitBytes = optionalInt(q, "limitBytes", 1);
  if (tailLines !== undefined) options.tailLines = tailLines;
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  return options;
}
