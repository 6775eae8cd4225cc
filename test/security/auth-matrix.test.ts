// The auth matrix: every route the control plane serves (derived from the tables it routes by)
// times every kind of caller, against a real `everynode server` over HTTPS with agents
// registered through the real endpoint. Each answer must be what the policy table says; each
// refused request must leave the store as it was. Then the NodeRestriction and registration
// findings of the attack campaign, one test each.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_RESOURCES } from "../../control-plane/kube/index.js";
import { ServerProcess } from "../helpers/server-process.js";
import { checkCell } from "./matrix/cell.js";
import { StoreBaseline } from "./matrix/fingerprint.js";
import type { Fixture } from "./matrix/fixture.js";
import { ensureAgents, setUpFixture } from "./matrix/fixture.js";
import { CALLERS, expected } from "./matrix/policy.js";
import { allRoutes } from "./matrix/routes.js";

const ROUTES = allRoutes();
const MERGE = "application/merge-patch+json";

describe("the auth matrix", () => {
  let server: ServerProcess;
  let f: Fixture;
  let baseline: StoreBaseline;

  beforeAll(async () => {
    server = await ServerProcess.start();
    f = await setUpFixture(server);
    baseline = new StoreBaseline(server);
  });
  afterAll(async () => {
    for (const a of f?.agents.values() ?? []) a.stop();
    await server?.stop();
  });

  it("covers every kind the server serves, with every verb it answers", () => {
    for (const info of ALL_RESOURCES) {
      const verbs = new Set(ROUTES.filter((r) => r.resource === info.resource).map((r) => r.verb));
      expect([...verbs].sort(), info.resource).toEqual(
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"].sort(),
      );
    }
    expect(ROUTES.length).toBeGreaterThan(100);
  });

  describe.each(ROUTES.map((r) => [r.id, r] as const))("%s", (_id, route) => {
    it(`answers each caller as the policy says and refusals change nothing`, async () => {
      await ensureAgents(server, f);
      await baseline.take();
      // Refused callers first, so that a request that is allowed to change the store comes last.
      const callers = [...CALLERS].sort(
        (a, b) => Number(expected(a, route).allow) - Number(expected(b, route).allow),
      );
      const problems: string[] = [];
      for (const caller of callers) {
        const { problem, storeMayHaveChanged } = await checkCell(server, f, route, caller, baseline);
        if (problem) problems.push(problem);
        if (storeMayHaveChanged) await baseline.take();
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });
  });

  describe("NodeRestriction and registration (campaign findings)", () => {
    async function registerRestricted(name: string): Promise<string> {
      return server.register(name, {
        labels: { tier: "edge" },
        taints: [{ key: "dedicated", value: "infra", effect: "NoSchedule" }],
      });
    }

    async function nodeAsAdmin(name: string): Promise<any> {
      return (await server.send("GET", `/api/v1/nodes/${name}`)).json;
    }

    it("a join token cannot take over an existing node by registering its name", async () => {
      const credential = await server.register("matrix-victim");
      const before = await nodeAsAdmin("matrix-victim");
      const r = await server.send("POST", "/agent/v1/register", {
        token: server.joinBearer,
        // The attacker holds the join token but not the victim's node secret.
        body: {
          nodeName: "matrix-victim",
          labels: { stolen: "yes" },
          taints: [],
          nodeSecret: "x".repeat(43),
        },
      });
      expect(r.status, r.text).toBeGreaterThanOrEqual(400);
      expect(r.status, r.text).toBeLessThan(500);
      expect(r.json?.token).toBeUndefined();
      const still = await server.send("GET", "/api/v1/nodes/matrix-victim", { token: credential });
      expect(still.status, "the node's own credential must keep working").toBe(200);
      const after = await nodeAsAdmin("matrix-victim");
      expect(after.metadata.labels).toEqual(before.metadata.labels);
    });

    it("a node cannot give itself node-role or node-restriction labels", async () => {
      const credential = await registerRestricted("matrix-labels");
      const before = await nodeAsAdmin("matrix-labels");
      const answers: string[] = [];
      for (const key of ["node-role.kubernetes.io/control-plane", "node-restriction.kubernetes.io/trusted"]) {
        const merge = await server.send("PATCH", "/api/v1/nodes/matrix-labels", {
          token: credential,
          body: { metadata: { labels: { [key]: "" } } },
          contentType: MERGE,
        });
        const json = await server.send("PATCH", "/api/v1/nodes/matrix-labels", {
          token: credential,
          body: [{ op: "add", path: `/metadata/labels/${key.replace("/", "~1")}`, value: "" }],
          contentType: "application/json-patch+json",
        });
        const node = await nodeAsAdmin("matrix-labels");
        node.metadata.labels[key] = "";
        const put = await server.send("PUT", "/api/v1/nodes/matrix-labels", {
          token: credential,
          body: node,
        });
        answers.push(`${key}: merge ${merge.status}, json ${json.status}, put ${put.status}`);
      }
      const after = await nodeAsAdmin("matrix-labels");
      expect(answers.join("\n")).not.toMatch(/ 2\d\d/);
      expect(
        answers.every((a) => /merge 403, json 403, put 403/.test(a)),
        answers.join("\n"),
      ).toBe(true);
      expect(after.metadata.labels).toEqual(before.metadata.labels);
    });

    it("a node cannot remove or change its own taints", async () => {
      const credential = await registerRestricted("matrix-taints");
      // The node lifecycle adds and removes its own taints (unreachable, not-ready); only the
      // one the node registered with is compared.
      const dedicated = (n: any): unknown[] =>
        (n.spec.taints ?? []).filter((t: any) => t.key === "dedicated");
      const before = await nodeAsAdmin("matrix-taints");
      expect(dedicated(before)).toEqual([{ key: "dedicated", value: "infra", effect: "NoSchedule" }]);
      const removed = await server.send("PATCH", "/api/v1/nodes/matrix-taints", {
        token: credential,
        body: { spec: { taints: null } },
        contentType: MERGE,
      });
      const changed = await server.send("PATCH", "/api/v1/nodes/matrix-taints", {
        token: credential,
        body: [{ op: "replace", path: "/spec/taints/0/effect", value: "PreferNoSchedule" }],
        contentType: "application/json-patch+json",
      });
      const after = await nodeAsAdmin("matrix-taints");
      expect([removed.status, changed.status], `${removed.text}\n${changed.text}`).toEqual([403, 403]);
      expect(dedicated(after)).toEqual(dedicated(before));
    });

    it("the admin may still change a node's labels and taints", async () => {
      await registerRestricted("matrix-admin");
      const r = await server.send("PATCH", "/api/v1/nodes/matrix-admin", {
        body: { metadata: { labels: { "node-role.kubernetes.io/worker": "" } }, spec: { taints: null } },
        contentType: MERGE,
      });
      expect(r.status, r.text).toBe(200);
      expect(r.json.metadata.labels["node-role.kubernetes.io/worker"]).toBe("");
      expect((r.json.spec.taints ?? []).filter((t: any) => t.key === "dedicated")).toEqual([]);
    });
  });
});
