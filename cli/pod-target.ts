// Which pod and container a verb acts on (logs, exec, port-forward, cp): a pod named
// directly or by its DaemonSet, and the container kubectl would pick.

import type { DaemonSet, Pod } from "../shared/api-types.js";
import { RESOURCES } from "../control-plane/kube/index.js";
import { EverynodeError } from "../shared/errors.js";
import type { CommandEnv } from "./command.js";
import { usage } from "./error-format.js";
import { listObjects } from "./fetch.js";
import { resolveType, resourcePath } from "./resource-args.js";
import { selectorText } from "./describe/common.js";

/** The pod a verb acts on: POD, pod/NAME, or ds/NAME (its first pod, said so when it has more). */
export async function podFor(env: CommandEnv, arg: string, what: string): Promise<Pod> {
  const ns = env.namespace();
  const client = env.client();
  const slash = arg.indexOf("/");
  const info = slash < 0 ? RESOURCES.pods : resolveType(arg.slice(0, slash));
  const name = slash < 0 ? arg : arg.slice(slash + 1);
  try {
    if (info === RESOURCES.pods) return await client.json<Pod>("GET", resourcePath(info, ns, name));
    if (info !== RESOURCES.daemonsets) throw usage(`cannot ${what} a ${info.kind}`);
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

/**
 * The container named, else the pod's default (its kubectl.kubernetes.io/default-container
 * annotation, else its first), said on stderr when the pod has more than one.
 */
export function containerOf(env: CommandEnv, pod: Pod, named: string | undefined): string {
  if (named) return named;
  const names = (pod.spec.containers ?? []).map((c) => c.name);
  const annotated = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  const container = annotated ?? names[0] ?? "";
  if (names.length > 1 && !annotated)
    env.io.err(`Defaulted container "${container}" out of: ${names.join(", ")}\n`);
  return container;
}
