import { describe, expect, it } from "vitest";
import type { KubeEvent, Pod } from "../../../shared/api-types.js";
import type { EverynodeError } from "../../../shared/errors.js";
import { FakeClock } from "../../../test/helpers/fake-clock.js";
import { eventRule, restrictedEvents } from "./events.js";

const clock = new FakeClock(Date.UTC(2026, 11, 1, 12, 0, 0));
const mine: Pod = {
  metadata: { name: "mine", namespace: "default" },
  spec: { nodeName: "node-a", containers: [] },
};

const event = (involvedObject: KubeEvent["involvedObject"], extra: Partial<KubeEvent> = {}): KubeEvent => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "e.1", namespace: "default" },
  involvedObject,
  ...extra,
});

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as EverynodeError).code;
  }
}

describe("the event rule", () => {
  const rule = eventRule(clock);
  const forNodeA = restrictedEvents(rule, "node-a", (ns, name) =>
    ns === "default" && name === "mine" ? mine : undefined,
  );

  it("validates every event (422), whoever writes it", () => {
    expect(
      codeOf(() => rule.prepareCreate(event({ kind: "Node", name: "x" }, { lastTimestamp: "soon" }))),
    ).toBe("Invalid");
    expect(codeOf(() => forNodeA.prepareCreate(event({ kind: 5 as never, name: "node-a" })))).toBe("Invalid");
    expect(codeOf(() => rule.prepareCreate(event({ kind: "DaemonSet", name: "web" })))).toBeUndefined();
  });

  it("with a node's credential, takes events about the node and its pods only (403)", () => {
    expect(codeOf(() => forNodeA.prepareCreate(event({ kind: "Node", name: "node-a" })))).toBeUndefined();
    expect(codeOf(() => forNodeA.prepareCreate(event({ kind: "Pod", name: "mine" })))).toBeUndefined();
    expect(codeOf(() => forNodeA.prepareCreate(event({ kind: "Node", name: "node-b" })))).toBe("Forbidden");
    expect(codeOf(() => forNodeA.prepareCreate(event({ kind: "Pod", name: "theirs" })))).toBe("Forbidden");
  });

  it("validates updates against the stored event", () => {
    const old = event({ kind: "Node", name: "x" });
    const renamed = { ...old, metadata: { ...old.metadata, name: "e.2" } };
    expect(codeOf(() => rule.prepareUpdate(renamed, old, undefined))).toBe("Invalid");
  });
});
