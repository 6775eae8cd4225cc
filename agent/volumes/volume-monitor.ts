// The node's volume housekeeping, every 10 s as the kubelet's: measures the disk emptyDirs
// that have a sizeLimit and evicts a pod whose volume is over it (size-limits.ts decides),
// and removes the tmpfs volumes of memory emptyDirs whose pod has no container left here.

import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { LABELS, nodeFilter } from "../runtime/labels.js";
import { emptyDirPath } from "../worker/container-spec.js";
import { diskUsage } from "./dir-usage.js";
import { evictionMessage, limitedEmptyDirs } from "./size-limits.js";

export interface VolumeMonitorOptions {
  pods: { readonly activePods: Pod[]; evict(uid: string, message: string): boolean };
  runtime: ContainerRuntime;
  nodeName: string;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /** Measures a directory (tests replace the disk walk). */
  measure?: (dir: string) => Promise<number>;
}

export class VolumeMonitor {
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private failing = false;

  constructor(private readonly o: VolumeMonitorOptions) {}

  start(): void {
    this.cancel = this.o.clock.every(this.o.intervalMs ?? 10_000, () => {
      // A slow pass is not stacked on: the next tick after it ends runs the next.
      this.running ??= this.check().finally(() => (this.running = undefined));
    });
  }

  async stop(): Promise<void> {
    this.cancel?.();
    await this.running;
  }

  /** One pass: evictions first, then the sweep of memory volumes. */
  async check(): Promise<void> {
    try {
      await this.evictOverLimit();
      await this.sweepMemoryVolumes();
      this.failing = false;
    } catch (e) {
      // Said once per streak; the next tick tries again.
      if (!this.failing) this.o.logger.warn("volume housekeeping failed", { error: e });
      this.failing = true;
    }
  }

  private async evictOverLimit(): Promise<void> {
    const measure = this.o.measure ?? diskUsage;
    for (const pod of this.o.pods.activePods) {
      const uid = pod.metadata.uid ?? "";
      const limited = limitedEmptyDirs(pod);
      if (limited.length === 0 || pod.metadata.deletionTimestamp) continue;
      const usage = new Map<string, number>();
      for (const v of limited)
        usage.set(v.volume, await measure(emptyDirPath(this.o.dataDir, uid, v.volume)));
      const message = evictionMessage(limited, usage);
      if (message) this.o.pods.evict(uid, message);
    }
  }

  private async sweepMemoryVolumes(): Promise<void> {
    if (!this.o.runtime.listVolumes || !this.o.runtime.removeVolume) return;
    // Volumes first: one made after this list comes with its container, which the next list sees.
    const volumes = await this.o.runtime.listVolumes(nodeFilter(this.o.nodeName));
    if (volumes.length === 0) return;
    const containers = await this.o.runtime.list(nodeFilter(this.o.nodeName));
    const inUse = new Set(containers.map((c) => c.labels[LABELS.podUid]));
    for (const v of volumes) {
      if (inUse.has(v.labels[LABELS.podUid])) continue;
      await this.o.runtime.removeVolume(v.name);
      this.o.logger.info("removed the memory volume of a pod that is gone", { volume: v.name });
    }
  }
}
