// The verbs against a small in-memory stand-in for the API on loopback: what they send and
// what the user sees.

import { describe, it, expect, beforeAll, afterAll, beforeEach } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { main } from "../main.js";
import { bufferIo } from "../io.js";
import { errors } from "../../shared/errors.js";
import type { Clock } from "../../shared/clock.js";

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body?: unknown;
}

const objects = new Map<string, Record<string, unknown>>();
const seen: Seen[] = [];
let server: http.Server;
let port = 0;
let dir = "";
let kubeconfig = "";

const DS_PATH = "/apis/apps/v1/namespaces/default/daemonsets/nginx";
const instant: Clock = {
  now: () => Date.parse("2026-12-01T12:00:00Z"),
  sleep: async () => undefined,
  every: () => () => undefined,
};

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
  const url = new URL(req.url ?? "/", "http://x");
  const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  seen.push({ method: req.method ?? "", url: req.url ?? "", contentType: req.headers["content-type"], body });
  if (req.headers.authorization !== "Bearer good") return send(res, 401, errors.unauthorized().toStatus());
  const p = url.pathname;
  if (p === "/version") return send(res, 200, { gitVersion: "v1.32.0-everynode.0.1.0" });
  if (url.searchParams.get("watch") === "true") {
    res.writeHead(200, { "Content-Type": "application/json" });
    const ds = objects.get(DS_PATH);
    res.end(
      JSON.stringify({
        type: "MODIFIED",
        object: { ...ds, status: { ...(ds?.status as object), numberAvailable: 2 } },
      }) + "\n",
    );
    return;
  }
  const item = objects.get(p);
  if (req.method === "GET" && item) return send(res, 200, item);
  if (req.method === "GET") {
    const items = [...objects.entries()].filter(([k]) => k.startsWith(p + "/")).map(([, v]) => v);
    const isCollection = /\/(daemonsets|pods|nodes|events|controllerrevisions)$/.test(p);
    if (!isCollection)
      return send(res, 404, errors.notFound("daemonsets", p.split("/").pop() ?? "", "apps").toStatus());
    if ((req.headers.accept ?? "").includes("as=Table"))
      return send(res, 200, {
        kind: "Table",
        metadata: { resourceVersion: "7" },
        columnDefinitions: [
          { name: "Name", type: "string", format: "name", priority: 0 },
          { name: "Age", type: "string", format: "", priority: 0 },
        ],
        rows: items.map((o) => ({
          cells: [(o.metadata as { name: string }).name, "1m"],
          object: { metadata: o.metadata },
        })),
      });
    return send(res, 200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "7" }, items });
  }
  if (req.method === "POST") {
    const md = body?.metadata as { name: string };
    const stored = { ...body, metadata: { ...md, uid: "u1", generation: 1, resourceVersion: "5" } };
    objects.set(`${p}/${md.name}`, stored);
    return send(res, 201, stored);
  }
  if (req.method === "PATCH" && item) {
    const merged = structuredClone(item);
    const merge = (t: Record<string, unknown>, s: Record<string, unknown>): void => {
      for (const [k, v] of Object.entries(s)) {
        if (v === null) delete t[k];
        else if (v && typeof v === "object" && !Array.isArray(v) && t[k] && typeof t[k] === "object")
          merge(t[k] as Record<string, unknown>, v as Record<string, unknown>);
        else t[k] = v;
      }
    };
    merge(merged, body ?? {});
    objects.set(p, merged);
    return send(res, 200, merged);
  }
  if (req.method === "DELETE" && item) {
    objects.delete(p);
    return send(res, 200, { kind: "Status", apiVersion: "v1", status: "Success", metadata: {}, code: 200 });
  }
  return send(res, 404, errors.notFound("daemonsets", p.split("/").pop() ?? "", "apps").toStatus());
}

async function run(
  args: string[],
  stdin = "",
  token = "good",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = bufferIo(stdin, instant);
  const code = await main([...args, "--kubeconfig", kubeconfig, "--token", token], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const DS_YAML = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nginx
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
`;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => handle(req, res, raw));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(path.join(os.tmpdir(), "everynode-cli-"));
  kubeconfig = path.join(dir, "kubeconfig.yaml");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: good}}]\n`,
  );
  writeFileSync(path.join(dir, "ds.yaml"), DS_YAML);
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

describe("apply", () => {
  it("creates with the last-applied annotation, then is unchanged, then configured", async () => {
    objects.clear();
    const file = path.join(dir, "ds.yaml");
    const created = await run(["apply", "-f", file]);
    expect(created).toMatchObject({ code: 0, stdout: "daemonset.apps/nginx created\n" });
    const post = seen.find((s) => s.method === "POST");
    expect(post?.url).toMatch(/^\/apis\/apps\/v1\/namespaces\/default\/daemonsets\?/);
    const annotations = (post?.body as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations;
    expect(annotations["kubectl.kubernetes.io/last-applied-configuration"]).toMatch(
      /"namespace":"default".*\n$/,
    );

    seen.length = 0;
    expect(await run(["apply", "-f", file])).toMatchObject({
      code: 0,
      stdout: "daemonset.apps/nginx unchanged\n",
    });
    expect(seen.map((s) => s.method)).toEqual(["GET"]);

    const changed = await run(["apply", "-f", "-"], DS_YAML.replace("image: nginx", "image: nginx:1.27"));
    expect(changed).toMatchObject({ code: 0, stdout: "daemonset.apps/nginx configured\n" });
    const patch = seen.find((s) => s.method === "PATCH");
    expect(patch?.contentType).toBe("application/merge-patch+json");
    expect(JSON.stringify(patch?.body)).toContain("nginx:1.27");
  });
});

describe("get", () => {
  it("prints the table, and No resources found on stderr when empty", async () => {
    const got = await run(["get", "ds"]);
    expect(got).toMatchObject({ code: 0, stdout: "NAME    AGE\nnginx   1m\n" });
    expect(seen[0]?.url).toBe("/apis/apps/v1/namespaces/default/daemonsets");
    const none = await run(["get", "pods", "-n", "kube-system"]);
    expect(none).toMatchObject({
      code: 0,
      stdout: "",
      stderr: "No resources found in kube-system namespace.\n",
    });
  });

  it("prints one object as yaml without managed fields, and its name", async () => {
    const y = await run(["get", "ds/nginx", "-o", "yaml"]);
    expect(y.stdout).toMatch(/^apiVersion: apps\/v1\nkind: DaemonSet\nmetadata:\n/);
    expect((await run(["get", "daemonsets.apps", "nginx", "-o", "name"])).stdout).toBe(
      "daemonset.apps/nginx\n",
    );
    expect(
      (await run(["get", "ds", "nginx", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).stdout,
    ).toBe("nginx:1.27");
  });

  it("says not found with exit 1", async () => {
    expect(await run(["get", "ds", "nope"])).toMatchObject({
      code: 1,
      stderr: 'Error from server (NotFound): daemonsets.apps "nope" not found\n',
    });
  });
});

describe("rollout status", () => {
  it("waits on the watch until the pods are available", async () => {
    const ds = objects.get(DS_PATH) as Record<string, unknown>;
    objects.set(DS_PATH, {
      ...ds,
      spec: { ...(ds.spec as object), updateStrategy: { type: "RollingUpdate" } },
      status: {
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberAvailable: 1,
        observedGeneration: 1,
      },
    });
    const r = await run(["rollout", "status", "ds/nginx"]);
    expect(r).toMatchObject({
      code: 0,
      stdout:
        'Waiting for daemon set "nginx" rollout to finish: 1 of 2 updated pods are available...\ndaemon set "nginx" successfully rolled out\n',
    });
    expect(
      seen.some((s) => s.url.includes("watch=true") && s.url.includes("fieldSelector=metadata.name%3Dnginx")),
    ).toBe(true);
  });
});

describe("nodes", () => {
  it("taints with a strategic merge patch of the whole list, cordons once", async () => {
    objects.set("/api/v1/nodes/worker-1", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "worker-1" },
      spec: {},
    });
    expect((await run(["taint", "nodes", "worker-1", "dedicated=gpu:NoSchedule"])).stdout).toBe(
      "node/worker-1 tainted\n",
    );
    const patch = seen.find((s) => s.method === "PATCH");
    expect(patch).toMatchObject({
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } },
    });
    const dup = await run(["taint", "nodes", "worker-1", "dedicated=cpu:NoSchedule"]);
    expect(dup).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        "already has a taint(s) with same effect(s) and --overwrite is false",
      ) as unknown,
    });
    expect((await run(["cordon", "worker-1"])).stdout).toBe("node/worker-1 cordoned\n");
    expect((await run(["cordon", "worker-1"])).stdout).toBe("node/worker-1 already cordoned\n");
    expect((await run(["label", "nodes", "worker-1", "disk=ssd"])).stdout).toBe("node/worker-1 labeled\n");
  });

  it("refuses to drain a node with DaemonSet pods unless told to ignore them", async () => {
    objects.set("/api/v1/namespaces/default/pods/nginx-abcde", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "nginx-abcde",
        namespace: "default",
        ownerReferences: [
          { kind: "DaemonSet", name: "nginx", uid: "u1", controller: true, apiVersion: "apps/v1" },
        ],
      },
      spec: { nodeName: "worker-1", containers: [] },
    });
    objects.set(
      "/api/v1/pods/nginx-abcde",
      objects.get("/api/v1/namespaces/default/pods/nginx-abcde") as Record<string, unknown>,
    );
    const refused = await run(["drain", "worker-1"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/nginx-abcde",
    );
    const ok = await run(["drain", "worker-1", "--ignore-daemonsets"]);
    expect(ok).toMatchObject({
      code: 0,
      stderr: "Warning: ignoring DaemonSet-managed Pods: default/nginx-abcde\n",
    });
    expect(ok.stdout).toContain("node/worker-1 drained\n");
  });
});

describe("delete", () => {
  it("deletes by file and waits until the object is gone", async () => {
    const r = await run(["delete", "-f", path.join(dir, "ds.yaml")]);
    expect(r).toMatchObject({ code: 0, stdout: 'daemonset.apps "nginx" deleted\n' });
    expect(seen.map((s) => s.method)).toEqual(["DELETE", "GET"]);
    expect(seen[0]?.body).toEqual({ propagationPolicy: "Background" });
  });

  it("names the file when the object is already gone, unless --ignore-not-found", async () => {
    const file = path.join(dir, "ds.yaml");
    expect(await run(["delete", "-f", file])).toMatchObject({
      code: 1,
      stderr: `Error from server (NotFound): error when deleting "${file}": daemonsets.apps "nginx" not found\n`,
    });
    expect(await run(["delete", "ds", "nginx", "--ignore-not-found"])).toMatchObject({ code: 0, stderr: "" });
  });
});

describe("failures", () => {
  it("exits 3 on a wrong token", async () => {
    expect(await run(["get", "nodes"], "", "bad")).toMatchObject({
      code: 3,
      stderr: "error: You must be logged in to the server (Unauthorized)\n",
    });
  });

  it("exits 4 when nothing listens", async () => {
    const io = bufferIo("", instant);
    const code = await main(
      ["get", "nodes", "--kubeconfig", kubeconfig, "--server", "http://127.0.0.1:1"],
      io,
    );
    expect(code).toBe(4);
    expect(io.stderr).toBe(
      "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n",
    );
  });

  it("exits 2 on an unknown command or flag", async () => {
    expect((await run(["frobnicate"])).code).toBe(2);
    const bad = await run(["get", "nodes", "--bogus"]);
    expect(bad).toMatchObject({
      code: 2,
      stderr: "error: unknown flag: --bogus\nSee 'everynode get --help' for usage.\n",
    });
  });
});

describe("label", () => {
  it("says not labeled when the value is already there, and refuses a change without --overwrite", async () => {
    objects.set("/api/v1/nodes/worker-3", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "worker-3", labels: { disk: "ssd" } },
      spec: {},
    });
    expect((await run(["label", "nodes", "worker-3", "disk=ssd"])).stdout).toBe(
      "node/worker-3 not labeled\n",
    );
    expect(await run(["label", "nodes", "worker-3", "disk=hdd"])).toMatchObject({
      code: 1,
      stderr: "error: 'disk' already has a value (ssd), and --overwrite is false\n",
    });
    expect((await run(["label", "nodes", "worker-3", "disk=hdd", "--overwrite"])).stdout).toBe(
      "node/worker-3 labeled\n",
    );
    expect((await run(["label", "node/worker-3", "disk-"])).stdout).toBe("node/worker-3 unlabeled\n");
    expect(seen.filter((s) => s.method === "PATCH").map((s) => s.body)).toEqual([
      { metadata: { labels: { disk: "hdd" } } },
      { metadata: { labels: { disk: null } } },
    ]);
  });
});
