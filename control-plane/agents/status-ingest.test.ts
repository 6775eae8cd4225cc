import { describe, expect, it } from "vitest";
import type { Pod, PodStatus } from "../../shared/api-types.js";
import { createLogger } from "../../shared/logger.js";
import type { PodStatusMessage, RefusedStatus } from "../../shared/protocol.js";
import { EventRecorder } from "../events/event-recorder.js";
import { openStore } from "../store/index.js";
import { fakeClock } from "../store/test-support.js";
import { StatusIngest } from "./status-ingest.js";

function setup() {
  const clock = fakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
  const store = openStore({ path: ":memory:", clock });
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (l) => lines.push(l) });
  const ingest = new StatusIngest({
    store,
    clock,
    logger,
    events: new EventRecorder({ store, clock, ttlMs: 3_600_000 }),
  });
  const pod = (name: string): Pod =>
    store.create<Pod>("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default" },
      spec: { nodeName: "node-a", containers: [{ name: "web", image: "nginx" }] },
    });
  return { store, ingest, lines, pod };
}

const message = (statuses: PodStatusMessage["statuses"]): PodStatusMessage => ({
  v: 1,
  type: "podStatus",
  seq: 1,
  statuses,
});

describe("StatusIngest", () => {
  it("writes the valid statuses of a message, skips the invalid ones and names them in the ack", () => {
    const { store, ingest, pod, lines } = setup();
    const good = pod("good");
    const bad = pod("bad");
    const acks: RefusedStatus[][] = [];
    ingest.accept(
      "node-a",
      message([
        { namespace: "default", name: "good", uid: good.metadata.uid ?? "", status: { phase: "Running" } },
        {
          namespace: "default",
          name: "bad",
          uid: bad.metadata.uid ?? "",
          status: { phase: "Running", startTime: "not-a-date" } as PodStatus,
        },
      ]),
      (refused) => acks.push(refused),
    );
    ingest.flush();
    expect(store.get<Pod>("pods", "default", "good")?.status?.phase).toBe("Running");
    expect(store.get<Pod>("pods", "default", "bad")?.status).toBeUndefined();
    expect(acks).toEqual([
      [
        {
          namespace: "default",
          name: "bad",
          uid: bad.metadata.uid,
          reason: 'status.startTime: Invalid value: "not-a-date": must be an RFC 3339 timestamp',
        },
      ],
    ]);
    ingest.close();
    expect(lines.filter((l) => l.includes("WARN"))).toEqual([
      expect.stringMatching(
        /1 invalid pod statuses from node node-a, e\.g\. default\/bad \(status\.startTime/,
      ),
    ]);
  });

  it("folds the warnings about statuses for pods the node does not run into one line", () => {
    const { ingest, lines } = setup();
    const acks: RefusedStatus[][] = [];
    const statuses = Array.from({ length: 250 }, (_, i) => ({
      namespace: "default",
      name: `ghost-${i}`,
      uid: `u-${i}`,
      status: { phase: "Running" as const },
    }));
    for (let i = 0; i < 4; i++) ingest.accept("node-a", message(statuses), (r) => acks.push(r));
    ingest.close();
    expect(acks).toEqual([[], [], [], []]);
    const warnings = lines.filter((l) => l.includes("WARN"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /1000 status reports for pods the node does not run from node node-a, e\.g\. default\/ghost-0 \(no such pod\)/,
    );
  });
});
