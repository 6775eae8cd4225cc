// What both request-body test files (bodies.test.ts, body-writes.test.ts) run against: the
// API over real HTTPS with one node and one DaemonSet, the content types they send, and the
// check that an answer is a 4xx Status.

import { afterAll, beforeAll, expect } from "vitest";
import type { DaemonSet, Node } from "../../shared/api-types.js";
import {
  call,
  nodeObject,
  startApi,
  tutorialDaemonSet,
  type ApiHarness,
  type Reply,
} from "../api/harness.js";
import { selfSignedCertificate } from "../api/self-signed.js";

export const DS = "/apis/apps/v1/namespaces/default/daemonsets";
export const NODE = "/api/v1/nodes/node-a";
export const MERGE = "application/merge-patch+json";
export const SMP = "application/strategic-merge-patch+json";
export const JSONPATCH = "application/json-patch+json";
export const APPLY = "application/apply-patch+yaml";
export const YAML = "application/yaml";

/**
 * Starts the API before the file's tests (handing it to `use`) and closes it after them;
 * gives what the store holds of node-a and of a DaemonSet (web by default).
 */
export function withBodiesApi(use: (api: ApiHarness) => void): {
  storedNode(): any;
  storedDs(name?: string): any;
} {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    api = await startBodiesApi();
    use(api);
  });
  afterAll(async () => {
    await api?.close();
  });
  return {
    storedNode: () => api?.store.get<Node>("nodes", undefined, "node-a"),
    storedDs: (name = "web") => api?.store.get<DaemonSet>("daemonsets", "default", name),
  };
}

/** The API with node-a and the DaemonSet web in default. */
async function startBodiesApi(): Promise<ApiHarness> {
  const h = await startApi({ tls: selfSignedCertificate() });
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node-a") })).status).toBe(201);
  expect((await call(h, "POST", DS, { body: tutorialDaemonSet("web") })).status).toBe(201);
  return h;
}

/** A 4xx Kubernetes Status with this code, never a 5xx. */
export function expectStatus(r: Reply, code: number, message?: RegExp): void {
  expect(r.status, r.text).toBe(code);
  expect(r.json).toMatchObject({ kind: "Status", status: "Failure", code });
  if (message) expect(r.json.message).toMatch(message);
}
