// The control plane's side of image pre-pull: the board between the controller and the
// dispatcher, the assignment set's prePull for capable agents only, and the nodeImages
// report becoming node.status.images and events on the DaemonSet.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DaemonSet, KubeEvent, Node } from "../../shared/api-types.js";
import type { ServiceAccount } from "../../shared/config-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { AssignmentsMessage, PrePullState, ServerMessage } from "../../shared/protocol.js";
import { decodeServerMessage } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { daemonSet } from "../controller/test-builders.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { pod } from "../store/test-support.js";
import { AgentCapabilities } from "./agent-capabilities.js";
import { Dispatcher } from "./dispatcher.js";
import { NodeImagesIngest, nodeWithImages, prePullEvents } from "./node-images.js";
import { PrePullBoard } from "./pre-pull-board.js";
import { SessionRegistry, type AgentConnection } from "./session-registry.js";

const V2 = { image: "web:v2", pullPolicy: "IfNotPresent" as const };

describe("PrePullBoard", () => {
  const caps = new AgentCapabilities();
  caps.announce("new-agent", ["prePull"]);
  caps.announce("old-agent", []);
  const a = daemonSet({}, { name: "a", uid: "ua" });
  const b = daemonSet({}, { name: "b", uid: "ub" });

  it("tells which agents pre-pull", () => {
    const board = new PrePullBoard(caps);
    expect(["new-agent", "old-agent", "silent"].map((n) => board.support(n))).toEqual([
      "yes",
      "no",
      "unknown",
    ]);
  });

  it("merges the DaemonSets' wants per node and tells the nodes whose list changed", () => {
    const board = new PrePullBoard(caps);
    const changed: string[] = [];
    board.onChange((n) => changed.push(n));
    board.publish([
      { ds: a, plan: { prePull: new Map([["n1", [V2]]]) } },
      {
        ds: b,
        plan: {
          prePull: new Map([
            ["n1", [{ image: "web:v2", pullPolicy: "Always" as const }, { image: "side:1" }]],
            ["n2", [V2]],
          ]),
        },
      },
    ]);
    expect(changed.sort()).toEqual(["n1", "n2"]);
    // The stronger policy wins: a pull also makes the image present.
    expect(board.imagesFor("n1")).toEqual([{ image: "side:1" }, { image: "web:v2", pullPolicy: "Always" }]);
    expect(board.wantersOf("n1", "web:v2").map((d) => d.metadata.name)).toEqual(["a", "b"]);
    changed.length = 0;
    board.publish([{ ds: a, plan: { prePull: new Map([["n1", [V2]]]) } }]);
    expect(changed.sort()).toEqual(["n1", "n2"]);
    expect(board.imagesFor("n2")).toEqual([]);
    changed.length = 0;
    board.publish([{ ds: a, plan: { prePull: new Map([["n1", [V2]]]) } }]);
    expect(changed).toEqual([]);
  });
});

describe("PrePullBoard: the pull Secrets a rollout's new pods would use", () => {
  const caps = new AgentCapabilities();
  const accounts: Record<string, ServiceAccount> = {
    "default/default": { metadata: { name: "default" }, imagePullSecrets: [{ name: "from-account" }] },
  };
  const board = new PrePullBoard(caps, (ns, name) => accounts[`${ns}/${name}`]);

  it("sends the template's, or else the ServiceAccount's, merged per image", () => {
    const own = daemonSet({ imagePullSecrets: [{ name: "own" }] }, { name: "own", uid: "u1" });
    const viaAccount = daemonSet({}, { name: "acct", uid: "u2" });
    board.publish([
      { ds: own, plan: { prePull: new Map([["n1", [V2]]]) } },
      { ds: viaAccount, plan: { prePull: new Map([["n1", [V2, { image: "side:1" }]]]) } },
    ]);
    expect(board.imagesFor("n1")).toEqual([
      { image: "side:1", pullSecrets: [{ namespace: "default", name: "from-account" }] },
      {
        ...V2,
        pullSecrets: [
          { namespace: "default", name: "own" },
          { namespace: "default", name: "from-account" },
        ],
      },
    ]);
    // What the agent is sent passes the agent's own check.
    const message = { v: 1, type: "assignments", revision: 1, pods: [], prePull: board.imagesFor("n1") };
    expect(() => decodeServerMessage(JSON.stringify(message))).not.toThrow();
  });
});

describe("Dispatcher: prePull in the assignment set", () => {
  let clock: FakeClock;
  let store: Store;
  let dispatcher: Dispatcher;
  const sent = new Map<string, ServerMessage[]>();
  const board = new PrePullBoard(new AgentCapabilities());
  const caps = new AgentCapabilities();
  caps.announce("capable", ["prePull"]);
  caps.announce("older", []);

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    store = openStore({ path: ":memory:", clock });
    dispatcher = new Dispatcher({
      store,
      clock,
      logger: silentLogger,
      registry: new SessionRegistry(),
      capabilities: caps,
      prePull: board,
    });
    board.onChange((n) => dispatcher.notify(n));
    dispatcher.start();
    for (const nodeName of ["capable", "older"]) {
      const connection: AgentConnection = {
        nodeName,
        credentialId: nodeName,
        send: async (m) => {
          // What the agent's decoder makes of it.
          sent.set(nodeName, [...(sent.get(nodeName) ?? []), decodeServerMessage(JSON.stringify(m))]);
        },
        close: () => {},
      };
      dispatcher.nodeConnected(connection);
    }
  });
  afterEach(() => {
    dispatcher.close();
    store.close();
  });

  it("sends the list to agents that pre-pull, always, and nothing to older ones", async () => {
    store.create("pods", pod("a", { node: "capable" }));
    await clock.advance(100);
    const first = sent.get("capable")?.at(-1) as AssignmentsMessage;
    expect(first.prePull).toEqual([]);
    board.publish([
      {
        ds: daemonSet(),
        plan: {
          prePull: new Map([
            ["capable", [V2]],
            ["older", [V2]],
          ]),
        },
      },
    ]);
    await clock.advance(100);
    expect((sent.get("capable")?.at(-1) as AssignmentsMessage).prePull).toEqual([V2]);
    for (const m of sent.get("older") ?? []) expect(m).not.toHaveProperty("prePull");
  });

  it("an agent refuses a list with an unknown pull policy", () => {
    const bad = {
      v: 1,
      type: "assignments",
      revision: 1,
      pods: [],
      prePull: [{ image: "x", pullPolicy: "Sometimes" }],
    };
    expect(() => decodeServerMessage(JSON.stringify(bad))).toThrow(/pullPolicy/);
  });
});

describe("nodeImages reports", () => {
  const pulling: PrePullState = { image: "web:v2", state: "Pulling" };
  const present: PrePullState = { image: "web:v2", state: "Present" };
  const failed: PrePullState = {
    image: "web:v2",
    state: "Failed",
    reason: "ErrImagePull",
    message: "manifest unknown",
  };

  it.each<[string, PrePullState[], PrePullState[], string[]]>([
    ["a pull starts", [], [pulling], ["Normal Pulling"]],
    ["a pull ends", [pulling], [present], ["Normal Pulled"]],
    ["an image was there already", [], [present], ["Normal Pulled"]],
    ["a pull fails", [pulling], [failed], ["Warning PrePullFailed"]],
    ["nothing changed", [present], [present], []],
    ["the same failure again", [failed], [failed], []],
  ])("%s", (_what, before, now, expected) => {
    const events = prePullEvents("n1", new Map(before.map((s) => [s.image, s])), now);
    expect(events.map((e) => `${e.type} ${e.reason}`)).toEqual(expected);
  });

  it("says what happened and what it means for the node", () => {
    const [pulled] = prePullEvents("n1", new Map([["web:v2", pulling]]), [present]);
    expect(pulled?.message).toBe('Pulled image "web:v2" on node n1: its pod may now be replaced');
    const [fail] = prePullEvents("n1", new Map(), [failed]);
    expect(fail?.message).toBe(
      'Failed to pre-pull image "web:v2" on node n1: manifest unknown; the node keeps its old pod and its agent tries again with back-off',
    );
  });

  it("sets node.status.images only when they changed, and removes them when none are left", () => {
    const node: Node = { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: {}, status: {} };
    const images = [{ names: ["web:v2"], sizeBytes: 5 }];
    const next = nodeWithImages(node, images);
    expect(next?.status?.images).toEqual(images);
    expect(nodeWithImages(next as Node, images)).toBeUndefined();
    expect(nodeWithImages(next as Node, [])?.status).not.toHaveProperty("images");
  });

  it("writes the node and records the events on the DaemonSets that wanted the image", () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const store = openStore({ path: ":memory:", clock });
    const events = new EventRecorder({ store, clock, ttlMs: 3_600_000 });
    const ds = store.create<DaemonSet>("daemonsets", daemonSet());
    store.create<Node>("nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: {} });
    const ingest = new NodeImagesIngest({
      store,
      events,
      logger: silentLogger,
      wantersOf: (n, image) => (n === "n1" && image === "web:v2" ? [ds] : []),
    });
    ingest.accept("n1", { v: 1, type: "nodeImages", images: [], prePull: [pulling] });
    ingest.accept("n1", {
      v: 1,
      type: "nodeImages",
      images: [{ names: ["web:v2"], sizeBytes: 7 }],
      prePull: [present],
    });
    expect(store.get<Node>("nodes", undefined, "n1")?.status?.images).toEqual([
      { names: ["web:v2"], sizeBytes: 7 },
    ]);
    const recorded = store.list<KubeEvent>("events", "default");
    expect(
      recorded.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}`).sort(),
    ).toEqual(["DaemonSet/web Pulled", "DaemonSet/web Pulling"]);
    store.close();
  });
});
