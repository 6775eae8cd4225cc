import { describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import { DaemonSetController } from "./daemonset-controller.js";
import { daemonSet, node } from "./test-builders.js";

describe("DaemonSetController: pass duration", () => {
  it("tells how long each pass took, including the ones that write nothing", () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const store = openStore({ path: ":memory:", clock });
    const seconds: number[] = [];
    const controller = new DaemonSetController({
      store,
      clock,
      logger: silentLogger,
      events: new EventRecorder({ store, clock, ttlMs: 3_600_000 }),
      onPass: (s) => seconds.push(s),
    });
    try {
      store.create("nodes", node("n1"));
      const ds = daemonSet();
      const { uid: _uid, ...metadata } = ds.metadata;
      store.create("daemonsets", { ...ds, metadata });
      controller.runOnce();
      expect(store.list("pods", "default")).toHaveLength(1);
      controller.runOnce();
      expect(seconds).toHaveLength(2);
      for (const s of seconds) expect(s).toBeGreaterThanOrEqual(0);
    } finally {
      store.close();
    }
  });
});
