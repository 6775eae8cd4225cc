// ConfigMaps and Secrets travel with the assignment sets, over real WebSockets: an agent that
// announces configObjects gets the objects its pods name (a Secret only where a pod uses it),
// and a changed or newly created object sends the node a new set.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { Secret } from "../../shared/config-types.js";
import type { AssignmentsMessage } from "../../shared/protocol.js";
import type { FakeAgent, Harness } from "./harness.js";
import { hello, startHarness } from "./harness.js";

function pod(name: string, nodeName: string, secretName: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      nodeName,
      containers: [
        {
          name: "app",
          image: "everynode/web:test",
          env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: secretName, key: "token" } } }],
        },
      ],
      volumes: [{ name: "conf", configMap: { name: "app-config" } }],
    },
  };
}

describe("ConfigMaps and Secrets in assignment sets", () => {
  let h: Harness;
  let a: FakeAgent;
  let b: FakeAgent;
  beforeAll(async () => {
    h = await startHarness();
    h.store.create("configmaps", {
      metadata: { namespace: "default", name: "app-config" },
      data: { "app.conf": "x=1" },
    });
    h.store.create("secrets", {
      metadata: { namespace: "default", name: "for-a" },
      type: "Opaque",
      data: { token: Buffer.from("alpha").toString("base64") },
    });
    a = await online("cfg-a");
    b = await online("cfg-b");
  });
  afterAll(async () => {
    await h.close();
  });

  async function online(nodeName: string): Promise<FakeAgent> {
    const agent = await h.connect(await h.register(nodeName));
    agent.send(hello(nodeName, "10.0.0.9", ["gracefulDeletion", "configObjects"]));
    await agent.next("welcome");
    return agent;
  }

  const secretNames = (s: AssignmentsMessage) => s.config?.secrets.map((o) => o.name) ?? [];

  it("sends each node its pods' objects and no other node's Secret", async () => {
    h.store.create("pods", pod("web-a", "cfg-a", "for-a"));
    h.store.create("pods", pod("web-b", "cfg-b", "for-b"));
    const setA = await a.setWhere((s) => s.pods.length === 1);
    const setB = await b.setWhere((s) => s.pods.length === 1);
    expect(setA.config?.configMaps.map((o) => [o.name, o.data])).toEqual([
      ["app-config", { "app.conf": "x=1" }],
    ]);
    expect(setA.config?.secrets.map((o) => o.data)).toEqual([
      { token: Buffer.from("alpha").toString("base64") },
    ]);
    expect(setB.config?.configMaps.map((o) => o.name)).toEqual(["app-config"]);
    // for-b does not exist yet, and for-a is not b's business.
    expect(secretNames(setB)).toEqual([]);
  });

  it("sends a new set when a named object changes or appears", async () => {
    const s = h.store.get<Secret>("secrets", "default", "for-a") as Secret;
    h.store.update("secrets", { ...s, data: { token: Buffer.from("beta").toString("base64") } });
    const changed = await a.setWhere(
      (set) => set.config?.secrets[0]?.data?.token === Buffer.from("beta").toString("base64"),
    );
    expect(changed.pods).toHaveLength(1);
    h.store.create("secrets", { metadata: { namespace: "default", name: "for-b" }, data: { token: "Yg==" } });
    const created = await b.setWhere((set) => secretNames(set).includes("for-b"));
    expect(secretNames(created)).toEqual(["for-b"]);
    expect(created.revision).toBeGreaterThan(changed.revision);
  });
});
