// The housekeeping against a scripted engine and the fake clock: a volume over its limit
// evicts its pod at the next tick (not before), and only tmpfs volumes whose pod has no
// container left are removed.

import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import { FakeClock, flush } from "../../test/helpers/fake-clock.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { LABELS } from "../runtime/labels.js";
import { VolumeMonitor } from "./volume-monitor.js";

const pod = (uid: string): Pod => ({
  metadata: { name: uid, namespace: "ns", uid },
  spec: {
    containers: [{ name: "c", image: "i" }],
    volumes: [{ name: "scratch", emptyDir: { sizeLimit: "1Ki" } }],
  },
});

describe("VolumeMonitor", () => {
  it("evicts over the limit at its tick and sweeps the memory volumes of pods that are gone", async () => {
    const clock = new FakeClock();
    const evictions: [string, string][] = [];
    const removed: string[] = [];
    const usage: Record<string, number> = { full: 4096, fine: 512 };
    const runtime = {
      listVolumes: async () => [
        { name: "v-live", labels: { [LABELS.podUid]: "fine" } },
        { name: "v-gone", labels: { [LABELS.podUid]: "old" } },
      ],
      list: async () => [{ id: "c1", labels: { [LABELS.podUid]: "fine" } }],
      removeVolume: async (name: string) => void removed.push(name),
    } as unknown as ContainerRuntime;
    const monitor = new VolumeMonitor({
      pods: { activePods: [pod("full"), pod("fine")], evict: (uid, m) => (evictions.push([uid, m]), true) },
      runtime,
      nodeName: "n1",
      dataDir: "/data",
      clock,
      logger: silentLogger,
      measure: async (dir) => usage[dir.split("/")[3]!] ?? 0,
    });
    monitor.start();
    await clock.advance(9_999);
    expect(evictions).toEqual([]);
    await clock.advance(1);
    await flush();
    expect(evictions).toEqual([["full", 'Usage of EmptyDir volume "scratch" exceeds the limit "1Ki".']]);
    expect(removed).toEqual(["v-gone"]);
    await monitor.stop();
  });
});
