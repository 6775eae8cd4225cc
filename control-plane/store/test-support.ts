// Helpers shared by the store's tests: a clock that only moves when told, temporary data
// directories, and small object builders.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Pod } from "../../shared/api-types.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";

/** A Clock that moves only when the test says so. */
export function fakeClock(start = Date.UTC(2026, 0, 2, 3, 4, 5)): FakeClock {
  return new FakeClock(start);
}

/** A fresh directory for SQLite files, and its removal. */
export function tempDir(): { dir: string; file: (name?: string) => string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "everynode-store-"));
  return {
    dir,
    file: (name = "everynode.db") => path.join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A pod, optionally bound to a node and owned by a controller uid. */
export function pod(name: string, options: { namespace?: string; node?: string; owner?: string } = {}): Pod {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: options.namespace ?? "default", labels: { app: "web" } },
    spec: { containers: [{ name: "web", image: "everynode/web:test" }] },
  };
  if (options.node) pod.spec.nodeName = options.node;
  if (options.owner) {
    pod.metadata.ownerReferences = [
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "web", uid: options.owner, controller: true },
    ];
  }
  return pod;
}
