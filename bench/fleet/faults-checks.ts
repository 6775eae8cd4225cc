// What must hold after any crash, read back through the API: every registered node still
// exists, the DaemonSet exists exactly when its last acknowledged write says so and has the
// acknowledged image, and its pods are one per eligible node, on distinct nodes, none on a
// node it does not select. Anything else is a lost (or resurrected) object.

import type { DaemonSet, Pod } from "../../shared/api-types.js";
import type { ApiClient } from "./api-client.js";
import type { SimNodeSpec } from "./sim-protocol.js";
import { DS_NAME } from "./scenario.js";

export interface DesiredState {
  exists: boolean;
  image?: string;
}

interface List<T> {
  items: T[];
  metadata?: { continue?: string };
}

async function listAll<T>(api: ApiClient, path: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api.getJson<List<T>>(
      `${path}${sep}limit=2000${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
    );
    out.push(...(page?.items ?? []));
    token = page?.metadata?.continue || undefined;
  } while (token);
  return out;
}

/** Problems found (empty when everything the API acknowledged is there and nothing else). */
export async function checkObjects(
  api: ApiClient,
  nodes: SimNodeSpec[],
  desired: DesiredState,
): Promise<string[]> {
  const problems: string[] = [];
  const stored = new Set(
    (await listAll<{ metadata: { name?: string } }>(api, "/api/v1/nodes")).map((n) => n.metadata.name),
  );
  const lostNodes = nodes.filter((n) => !stored.has(n.name));
  if (lostNodes.length > 0)
    problems.push(
      `${lostNodes.length} registered nodes are gone (e.g. ${lostNodes
        .slice(0, 3)
        .map((n) => n.name)
        .join(", ")})`,
    );

  const ds = await api.getJson<DaemonSet>(`/apis/apps/v1/namespaces/default/daemonsets/${DS_NAME}`);
  if (desired.exists && !ds) problems.push("the DaemonSet whose creation was acknowledged is gone");
  if (!desired.exists && ds) problems.push("the DaemonSet whose deletion was acknowledged is back");
  const image = ds?.spec.template.spec.containers[0]?.image;
  if (desired.exists && ds && image !== desired.image)
    problems.push(`the DaemonSet has image ${image}, the last acknowledged update set ${desired.image}`);

  const pods = await listAll<Pod>(api, `/api/v1/namespaces/default/pods?labelSelector=app%3D${DS_NAME}`);
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  if (!desired.exists) {
    if (live.length > 0) problems.push(`${live.length} pods of the deleted DaemonSet remain`);
    return problems;
  }
  const eligible = new Set(nodes.filter((n) => n.eligible).map((n) => n.name));
  const perNode = new Map<string, number>();
  for (const p of live) perNode.set(p.spec.nodeName ?? "", (perNode.get(p.spec.nodeName ?? "") ?? 0) + 1);
  const doubled = [...perNode].filter(([, c]) => c > 1);
  if (doubled.length > 0)
    problems.push(`${doubled.length} nodes have two pods of the DaemonSet (e.g. ${doubled[0]?.[0]})`);
  const stray = [...perNode.keys()].filter((n) => !eligible.has(n));
  if (stray.length > 0)
    problems.push(`${stray.length} pods are on nodes the DaemonSet does not select (e.g. ${stray[0]})`);
  const without = [...eligible].filter((n) => !perNode.has(n));
  if (without.length > 0) problems.push(`${without.length} eligible nodes have no pod (e.g. ${without[0]})`);
  const stale = live.filter((p) => p.spec.containers[0]?.image !== desired.image);
  if (stale.length > 0) problems.push(`${stale.length} pods still run another image than ${desired.image}`);
  return problems;
}
