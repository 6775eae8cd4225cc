import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import type { ServerMessage } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { openStore } from "../store/index.js";
import type { Store } from "../store/store.js";
import { pod } from "../store/test-support.js";
import { Dispatcher } from "./dispatcher.js";
import { SessionRegistry, type AgentConnection } from "./session-registry.js";

describe("Dispatcher: dispatch latency", () => {
  let clock: FakeClock;
  let store: Store;
  let dispatcher: Dispatcher;
  let sent: ServerMessage[];
  let latencies: number[];

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    store = openStore({ path: ":memory:", clock });
    sent = [];
    latencies = [];
    dispatcher = new Dispatcher({
      store,
      clock,
      logger: silentLogger,
      registry: new SessionRegistry(),
      debounceMs: 50,
      onDispatch: (s) => latencies.push(s),
    });
    dispatcher.start();
    const connection: AgentConnection = {
      nodeName: "n1",
      credentialId: "c1",
      send: async (m) => {
        sent.push(m);
      },
      close: () => {},
    };
    dispatcher.nodeConnected(connection);
  });
  afterEach(() => {
    dispatcher.close();
    store.close();
  });

  it("measures from the first change of a node's pods to its set being sent", async () => {
    await clock.advance(0);
    expect(sent).toHaveLength(1);
    // The full set sent on connect follows no change: not a dispatch latency.
    expect(latencies).toEqual([]);
    store.create("pods", pod("a", { node: "n1" }));
    await clock.advance(20);
    store.create("pods", pod("b", { node: "n1" }));
    await clock.advance(30);
    expect(sent).toHaveLength(2);
    // Both changes went in one set, 50 ms after the first.
    expect(latencies).toEqual([0.05]);
    store.create("pods", pod("other", { node: "n2" }));
    await clock.advance(100);
    expect(latencies).toEqual([0.05]);
  });
});
