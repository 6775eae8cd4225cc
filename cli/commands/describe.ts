// `everynode describe TYPE [NAME...]`: kubectl's describe for nodes, daemonsets, pods,
// namespaces, ConfigMaps and Secrets (other types print their YAML; a Secret's values
// never), with the related pods and events.

import type { Command } from "../command.js";
import { list, str } from "../command.js";
import type { ApiClient } from "../api-client.js";
import type { DaemonSet, KubeEvent, KubeObject, Namespace, Node, Pod } from "../../shared/api-types.js";
import { RESOURCES } from "../../control-plane/kube/index.js";
import type { ResourceInfo } from "../../control-plane/kube/index.js";
import { formatError, usage } from "../error-format.js";
import { parseResourceArgs } from "../resource-args.js";
import { getObject, listObjects } from "../fetch.js";
import { toYaml, stripManagedFields } from "../printers/object-printer.js";
import { selectorText } from "../describe/common.js";
import { describeNode } from "../describe/node.js";
import { describeDaemonSet } from "../describe/daemonset.js";
import { describePod } from "../describe/pod.js";
import { describeNamespace } from "../describe/namespace.js";
import { describeConfigMap, describeSecret } from "../describe/config.js";
import type { ConfigMap, Secret } from "../../shared/config-types.js";

/** The events about one object (undefined when they cannot be read). */
export async function eventsFor(client: ApiClient, obj: KubeObject): Promise<KubeEvent[] | undefined> {
  const md = obj.metadata;
  const fieldSelector = [
    `involvedObject.name=${md.name ?? ""}`,
    `involvedObject.namespace=${md.namespace ?? ""}`,
    `involvedObject.kind=${obj.kind ?? ""}`,
    `involvedObject.uid=${md.uid ?? ""}`,
  ].join(",");
  try {
    return (await listObjects<KubeEvent>(client, RESOURCES.events, { namespace: undefined, fieldSelector }))
      .items;
  } catch {
    return undefined;
  }
}

/** The node's Lease, or why it could not be read (printed as kubectl prints it). */
async function leaseOf(
  client: ApiClient,
  node: KubeObject,
): Promise<{ holderIdentity?: string; acquireTime?: string; renewTime?: string } | { error: string }> {
  const name = encodeURIComponent(node.metadata.name ?? "");
  try {
    const lease = await client.json<KubeObject & { spec?: Record<string, string> }>(
      "GET",
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`,
    );
    return lease.spec ?? {};
  } catch (e) {
    return { error: (e as Error).message };
  }
}

async function describeOne(
  client: ApiClient,
  info: ResourceInfo,
  obj: KubeObject,
  nowMs: number,
): Promise<string> {
  switch (info.resource) {
    case "nodes": {
      const pods = await listObjects<Pod>(client, RESOURCES.pods, {
        namespace: undefined,
        fieldSelector: `spec.nodeName=${obj.metadata.name ?? ""},status.phase!=Succeeded,status.phase!=Failed`,
      });
      return describeNode(
        obj as Node,
        pods.items,
        await eventsFor(client, obj),
        nowMs,
        await leaseOf(client, obj),
      );
    }
    case "daemonsets": {
      const ds = obj as DaemonSet;
      const pods = await listObjects<Pod>(client, RESOURCES.pods, {
        namespace: ds.metadata.namespace,
        labelSelector: selectorText(ds.spec.selector),
      });
      const owned = pods.items.filter((p) =>
        (p.metadata.ownerReferences ?? []).some((o) => o.uid === ds.metadata.uid),
      );
      return describeDaemonSet(ds, owned, await eventsFor(client, obj), nowMs);
    }
    case "pods":
      return describePod(obj as Pod, await eventsFor(client, obj), nowMs);
    case "namespaces":
      return describeNamespace(obj as Namespace);
    case "secrets":
      return describeSecret(obj as Secret);
    case "configmaps":
      return describeConfigMap(obj as ConfigMap, await eventsFor(client, obj), nowMs);
    default:
      return toYaml(stripManagedFields(obj));
  }
}

export const describeCommand: Command = {
  name: "describe",
  summary: "Show details of a specific resource or group of resources",
  usage: "everynode describe TYPE [NAME...] | TYPE/NAME...",
  flags: [
    { name: "selector", short: "l", type: "string", description: "label selector" },
    { name: "all-namespaces", short: "A", type: "boolean", description: "across all namespaces" },
    { name: "filename", short: "f", type: "list", description: "unused; name objects on the command line" },
  ],
  async run(env, p) {
    if (list(p, "filename").length > 0) throw usage("describe -f is not supported; use describe TYPE NAME");
    const client = env.client();
    const ns = env.namespace();
    const now = env.io.clock.now();
    let failed = false;
    let first = true;
    for (const req of parseResourceArgs(p.positionals)) {
      const objects: KubeObject[] = [];
      if (req.names.length === 0) {
        const all = p.values["all-namespaces"] === true;
        const listed = await listObjects(client, req.info, {
          namespace: all ? undefined : ns,
          labelSelector: str(p, "selector"),
        });
        objects.push(...listed.items);
        if (listed.items.length === 0 && req.info.namespaced && !all)
          env.io.err(`No resources found in ${ns} namespace.\n`);
        else if (listed.items.length === 0) env.io.err("No resources found\n");
      } else {
        for (const name of req.names) {
          try {
            objects.push(await getObject(client, req.info, ns, name));
          } catch (e) {
            failed = true;
            env.io.err(formatError(e));
          }
        }
      }
      for (const obj of objects) {
        const text = await describeOne(client, req.info, obj, now);
        env.io.out(first ? text : `\n\n${text}`);
        first = false;
      }
    }
    return failed ? 1 : 0;
  },
};
