import { describe, expect, it } from "vitest";
import type { ServerMessage } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { openStore } from "../store/index.js";
import { pod } from "../store/test-support.js";
import { encodeServerMessage } from "./message-encoding.js";

describe("encodeServerMessage", () => {
  it("writes an assignment set exactly as JSON.stringify would, from the pods' stored text", () => {
    const store = openStore({ path: ":memory:", clock: new FakeClock(Date.UTC(2026, 5, 1)) });
    try {
      const a = store.create("pods", pod("a", { node: "n1" }));
      const b = store.create("pods", pod("b", { node: "n1" }));
      const messages: ServerMessage[] = [
        { v: 1, type: "assignments", revision: 7, pods: [a, b] },
        { v: 1, type: "assignments", revision: 8, pods: [] },
        { v: 1, type: "welcome", nodeName: "n1", heartbeatIntervalSeconds: 10 },
      ];
      for (const m of messages) expect(encodeServerMessage(m)).toBe(JSON.stringify(m));
    } finally {
      store.close();
    }
  });
});
