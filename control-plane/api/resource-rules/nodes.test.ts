import { describe, expect, it } from "vitest";
import type { Node } from "../../../shared/api-types.js";
import type { EverynodeError } from "../../../shared/errors.js";
import { nodeRule, restrictedToNode } from "./nodes.js";

const stored: Node = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "a", uid: "u", resourceVersion: "5", labels: { zone: "a" } },
  spec: { taints: [{ key: "dedicated", effect: "NoSchedule" }] },
};

function withChange(change: (n: Node) => void, from: Node = stored): Node {
  const n = structuredClone(from);
  change(n);
  return n;
}

function failure(fn: () => unknown): EverynodeError | undefined {
  try {
    fn();
  } catch (e) {
    return e as EverynodeError;
  }
  return undefined;
}

describe("restrictedToNode", () => {
  const base = nodeRule();

  it("lets a node change its labels", () => {
    const rule = restrictedToNode(base, "a", () => stored);
    const next = withChange((n) => (n.metadata.labels = { zone: "b" }));
    expect((rule.prepareUpdate(next, stored, undefined) as Node).metadata.labels).toEqual({ zone: "b" });
  });

  it("refuses what only the admin may change with a 403 naming it", () => {
    const rule = restrictedToNode(base, "a", () => stored);
    const e = failure(() =>
      rule.prepareUpdate(
        withChange((n) => delete n.spec.taints),
        stored,
        undefined,
      ),
    );
    expect(e?.httpStatus).toBe(403);
    expect(e?.message).toMatch(/^nodes "a" is forbidden: node "a" is not allowed to modify spec\.taints: /);
  });

  it("refuses with 409 a write that would undo what the admin changed after the request read the node", () => {
    // The request read `stored`; meanwhile the admin added a taint. The node's label patch,
    // computed from `stored`, would drop it if written.
    const now = withChange((n) => {
      n.metadata.resourceVersion = "6";
      n.spec.taints = [...(n.spec.taints ?? []), { key: "maintenance", effect: "NoSchedule" }];
    });
    const rule = restrictedToNode(base, "a", () => now);
    const e = failure(() =>
      rule.prepareUpdate(
        withChange((n) => (n.metadata.labels = { zone: "b" })),
        stored,
        undefined,
      ),
    );
    expect(e?.httpStatus).toBe(409);
    expect(e?.code).toBe("Conflict");
  });

  it("lets that write through when what changed meanwhile is the node's own to change", () => {
    const now = withChange((n) => {
      n.metadata.resourceVersion = "6";
      n.status = { conditions: [{ type: "Ready", status: "True" }] };
    });
    const rule = restrictedToNode(base, "a", () => now);
    const next = withChange((n) => (n.metadata.labels = { zone: "b" }));
    expect(() => rule.prepareUpdate(next, stored, undefined)).not.toThrow();
  });

  it("creates no Node (server-side apply of a missing one): 403", () => {
    const rule = restrictedToNode(base, "a", () => undefined);
    const e = failure(() => rule.prepareCreate(stored));
    expect(e?.httpStatus).toBe(403);
    expect(e?.message).toMatch(/agents register with a join token/);
  });

  it("keeps the rule's delete checks", () => {
    const checked = { ...base, checkDelete: () => {} };
    const rule = restrictedToNode(checked, "a", () => stored);
    expect(rule.checkDelete).toBe(checked.checkDelete);
  });
});
