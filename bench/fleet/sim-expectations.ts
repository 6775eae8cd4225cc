// What the runner waits for, checked where the truth is: in the assignment sets the nodes
// were sent. An expectation is armed before the API call that should bring it about; from
// then on each node's every new set is checked, and the first moment each eligible node
// meets it is kept. A wait ends when every node meets it now (or at its timeout).

import type { SimNode } from "./sim-node.js";
import { ownerDaemonSet } from "./sim-node.js";
import type { ExpectationSpec, WaitResult } from "./sim-protocol.js";

interface Armed {
  spec: ExpectationSpec;
  metAt: Map<string, number>;
  /** Nodes that do not meet it now. */
  unmet: Set<SimNode>;
  waiters: (() => void)[];
}

/** Whether the node's current set meets the expectation. */
export function meets(node: SimNode, spec: ExpectationSpec): boolean {
  let count = 0;
  let image: string | undefined;
  for (const p of node.pods.values()) {
    if (ownerDaemonSet(p) !== spec.daemonSet) continue;
    count++;
    image = p.spec.containers[0]?.image;
  }
  if (spec.image === undefined || !node.spec.eligible) return count === 0;
  return count === 1 && image === spec.image;
}

export class Expectations {
  private readonly armed = new Map<string, Armed>();

  constructor(private readonly nodes: () => readonly SimNode[]) {}

  arm(spec: ExpectationSpec): void {
    const now = Date.now();
    const a: Armed = { spec, metAt: new Map(), unmet: new Set(), waiters: [] };
    for (const n of this.nodes()) {
      if (!meets(n, spec)) a.unmet.add(n);
      else if (n.spec.eligible) a.metAt.set(n.name, now);
    }
    this.armed.set(spec.key, a);
  }

  disarm(key: string): void {
    const a = this.armed.get(key);
    this.armed.delete(key);
    for (const w of a?.waiters.splice(0) ?? []) w();
  }

  /** A node got a new set: re-check it against every armed expectation. */
  nodeChanged(node: SimNode): void {
    const now = Date.now();
    for (const a of this.armed.values()) {
      if (meets(node, a.spec)) {
        a.unmet.delete(node);
        if (node.spec.eligible && !a.metAt.has(node.name)) a.metAt.set(node.name, now);
        if (a.unmet.size === 0) for (const w of a.waiters.splice(0)) w();
      } else a.unmet.add(node);
    }
  }

  async wait(key: string, timeoutMs: number): Promise<WaitResult> {
    const a = this.armed.get(key);
    if (!a) throw new Error(`no expectation ${key}`);
    if (a.unmet.size > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        a.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const unmet = [...a.unmet];
    return {
      done: unmet.length === 0,
      metAt: [...a.metAt.values()],
      missing: unmet.filter((n) => n.spec.eligible).length,
      violations: unmet
        .filter((n) => !n.spec.eligible)
        .slice(0, 20)
        .map((n) => `${n.name} holds a pod of ${a.spec.daemonSet} but is not eligible`),
    };
  }
}
