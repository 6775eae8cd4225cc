// The world the auth matrix runs in: nodes A and B registered through the real endpoint with
// well-behaved agents connected, a DaemonSet whose pod is bound to A, an event about A, a
// spare join token, and one token per caller (an expired join token, a revoked node
// credential and the metrics token included). Also turns a route template into the request a caller sends.

import { readFileSync } from "node:fs";
import path from "node:path";
import type { ResourceName } from "../../../control-plane/kube/index.js";
import { JOIN_TOKENS_PATH } from "../../../control-plane/auth/token-routes.js";
import { bearerOf, parseJoinToken } from "../../../shared/join-token.js";
import { waitFor } from "../../helpers/cluster.js";
import type { ScriptedAgent } from "../../helpers/scripted-agent.js";
import { connectScriptedAgent } from "../../helpers/scripted-agent.js";
import type { ServerProcess } from "../../helpers/server-process.js";
import type { Caller } from "./policy.js";
import type { Route } from "./routes.js";

export const NODE_A = "matrix-a";
export const NODE_B = "matrix-b";
export const NAMESPACE = "matrix";
/** The name an item route uses for a kind the fixture has no object of. */
export const ABSENT = "matrix-absent";

export interface Fixture {
  tokens: Record<Caller, string | null>;
  names: Partial<Record<ResourceName | "jointoken", string>>;
  container: string;
  agents: Map<string, ScriptedAgent>;
  credentials: Map<string, string>;
}

export function daemonSet(name: string): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: "everynode/web:test" }] },
      },
    },
  };
}

export function eventAbout(name: string, node: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name },
    // Kubernetes wants an event about a cluster-scoped object in "default", or the namespace named here.
    involvedObject: { apiVersion: "v1", kind: "Node", name: node, uid: node, namespace: NAMESPACE },
    reason: "MatrixCheck",
    message: `an event about ${node}`,
    type: "Normal",
    source: { component: "kubelet", host: node },
  };
}

async function ok(server: ServerProcess, method: string, path: string, body?: unknown): Promise<any> {
  const r = await server.send(method, path, { body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 400)}`);
  return r.json;
}

/** (Re)connects the agents of A and B if their sockets closed (a connect cell supersedes them). */
export async function ensureAgents(server: ServerProcess, f: Fixture): Promise<void> {
  for (const node of [NODE_A, NODE_B]) {
    const a = f.agents.get(node);
    if (a && a.agent.ws.readyState === a.agent.ws.OPEN) continue;
    a?.stop();
    f.agents.set(
      node,
      await connectScriptedAgent(server.server, server.caPem, node, f.credentials.get(node) ?? ""),
    );
  }
}

export async function setUpFixture(server: ServerProcess): Promise<Fixture> {
  const credentials = new Map<string, string>();
  for (const node of [NODE_A, NODE_B]) credentials.set(node, await server.register(node));
  const f: Fixture = {
    tokens: {} as Fixture["tokens"],
    names: {},
    container: "main",
    agents: new Map(),
    credentials,
  };
  await ensureAgents(server, f);

  await ok(server, "POST", "/api/v1/namespaces", { metadata: { name: NAMESPACE } });
  await ok(server, "POST", `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets`, daemonSet("matrix"));
  await ok(server, "POST", `/api/v1/namespaces/${NAMESPACE}/events`, eventAbout("matrix-event", NODE_A));
  const pod = await waitFor("the DaemonSet's pod on A", async () => {
    const r = await server.send("GET", `/api/v1/namespaces/${NAMESPACE}/pods`);
    return (r.json?.items as any[] | undefined)?.find((p) => p.spec.nodeName === NODE_A);
  });
  const revision = await waitFor("the DaemonSet's ControllerRevision", async () => {
    const r = await server.send("GET", `/apis/apps/v1/namespaces/${NAMESPACE}/controllerrevisions`);
    return (r.json?.items as any[] | undefined)?.[0];
  });
  const spare = await ok(server, "POST", JOIN_TOKENS_PATH, { spec: { description: "matrix spare" } });
  f.names = {
    nodes: NODE_A,
    pods: pod.metadata.name,
    namespaces: NAMESPACE,
    events: "matrix-event",
    daemonsets: "matrix",
    controllerrevisions: revision.metadata.name,
    jointoken: spare.metadata.name,
  };

  // A join token that expires in a second, and a node whose credential was revoked by its deletion.
  const expiring = await ok(server, "POST", JOIN_TOKENS_PATH, { spec: { ttl: "1s" } });
  const gone = await server.register("matrix-gone");
  await ok(server, "DELETE", "/api/v1/nodes/matrix-gone");
  const saTokens = await serviceAccountCallers(server);
  const admin = server.adminToken;
  f.tokens = {
    admin,
    "node-self": credentials.get(NODE_A) ?? "",
    "node-other": credentials.get(NODE_B) ?? "",
    join: server.joinBearer,
    metrics: readFileSync(path.join(server.serverDataDir, "metrics-token"), "utf8").trim(),
    "join-expired": bearerOf(parseJoinToken(expiring.status.token)),
    "node-revoked": gone,
    none: null,
    garbage: "garbage",
    "wrong-secret": `${admin.split(".")[0]}.${"0".repeat(16)}`,
    ...saTokens,
  };
  for (const c of ["join-expired", "node-revoked"] as const) {
    await waitFor(`the ${c} token to be refused`, async () => {
      const r = await server.send("GET", "/api/v1/nodes", { token: f.tokens[c] });
      return r.status === 401;
    });
  }
  return f;
}

const RBAC_V1 = "/apis/rbac.authorization.k8s.io/v1";

/**
 * Two ServiceAccounts of the matrix namespace and their TokenRequest tokens: "sa-bound" with
 * the Role and bindings policy.ts's SA_MAY describes, "sa-unbound" with none.
 */
async function serviceAccountCallers(
  server: ServerProcess,
): Promise<Record<"sa-bound" | "sa-unbound", string>> {
  const ns = `/api/v1/namespaces/${NAMESPACE}`;
  for (const name of ["matrix-bound", "matrix-unbound"])
    await ok(server, "POST", `${ns}/serviceaccounts`, { metadata: { name } });
  await ok(server, "POST", `${RBAC_V1}/namespaces/${NAMESPACE}/roles`, {
    metadata: { name: "matrix-reader" },
    rules: [
      { apiGroups: [""], resources: ["configmaps", "pods", "pods/log"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["apps"], resources: ["daemonsets"], resourceNames: ["matrix"], verbs: ["get", "patch"] },
    ],
  });
  const subject = { kind: "ServiceAccount", name: "matrix-bound", namespace: NAMESPACE };
  await ok(server, "POST", `${RBAC_V1}/namespaces/${NAMESPACE}/rolebindings`, {
    metadata: { name: "matrix-reader" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "matrix-reader" },
    subjects: [subject],
  });
  await ok(server, "POST", `${RBAC_V1}/clusterrolebindings`, {
    metadata: { name: "matrix-monitoring" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:monitoring" },
    subjects: [subject],
  });
  const token = async (name: string): Promise<string> =>
    (await ok(server, "POST", `${ns}/serviceaccounts/${name}/token`, { spec: {} })).status.token;
  return { "sa-bound": await token("matrix-bound"), "sa-unbound": await token("matrix-unbound") };
}

/** The concrete path of a route for this fixture. */
export function resolvePath(route: Route, f: Fixture): string {
  const path = route.template
    .replace("{namespace}", NAMESPACE)
    .replace(/\{([a-z]+)\}/g, (_m, key: string) => f.names[key as ResourceName] ?? ABSENT);
  const query = new URLSearchParams(route.query.replace("{node}", NODE_A));
  if (route.subresource === "log") query.set("container", f.container);
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

let registered = 0;

/**
 * The request a caller sends on a route. Allowed writes are dry runs, so that the fixture
 * stays; refused ones are real, so that a hole in the checks would show in the store.
 */
export async function requestFor(
  server: ServerProcess,
  route: Route,
  f: Fixture,
  dryRun: boolean,
): Promise<{ path: string; body?: unknown; contentType?: string }> {
  let path = resolvePath(route, f);
  const dry = dryRun && WRITE_VERBS.includes(route.verb ?? "") && route.subresource !== "eviction";
  if (dry) path += `${path.includes("?") ? "&" : "?"}dryRun=All`;
  // An allowed delete of a whole collection selects nothing: builtin namespaces refuse even a
  // dry-run delete, and the cell is about who may ask, not about what goes.
  if (dry && route.verb === "deletecollection") path += "&labelSelector=matrix.everynode.io%2Fnone%3Dnone";
  if (route.kind === "register") {
    registered += 1;
    return { path, body: { nodeName: `matrix-reg-${registered}`, labels: {}, taints: [] } };
  }
  if (route.kind === "joinTokens" && route.method === "POST") return { path, body: { spec: { ttl: "1h" } } };
  if (route.subresource === "eviction") {
    const deleteOptions = dryRun ? { dryRun: ["All"] } : {};
    return {
      path,
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: f.names.pods }, deleteOptions },
    };
  }
  switch (route.verb) {
    case "create":
      return { path, body: manifestFor(route.resource ?? "") };
    case "update": {
      // The current object (of the item, for a status update), as the admin reads it.
      const item = { ...route, template: route.template.replace(/\/status$/, ""), query: "" };
      return { path, body: (await server.send("GET", resolvePath(item, f))).json };
    }
    case "patch":
      return {
        path,
        body: { metadata: { annotations: { "matrix.everynode.io/touched": "yes" } } },
        contentType: "application/merge-patch+json",
      };
    default:
      return { path };
  }
}

function manifestFor(resource: string): Record<string, unknown> {
  switch (resource) {
    case "nodes":
      return { apiVersion: "v1", kind: "Node", metadata: { name: "matrix-created" } };
    case "namespaces":
      return { apiVersion: "v1", kind: "Namespace", metadata: { name: "matrix-created" } };
    case "pods":
      return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "matrix-created" },
        spec: { nodeName: NODE_A, containers: [{ name: "main", image: "everynode/web:test" }] },
      };
    case "events":
      return eventAbout("matrix-created", NODE_A);
    case "daemonsets":
      return daemonSet("matrix-created");
    case "controllerrevisions":
      return {
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: { name: "matrix-created" },
        revision: 1,
        data: {},
      };
    default:
      return { metadata: { name: "matrix-created" } };
  }
}
