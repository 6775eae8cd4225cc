// Keeps each pod's configMap, secret, downwardAPI and projected volumes written: before its
// containers are created (a failure is the kubelet's FailedMount), and again whenever a new
// set changes what they hold, while the containers run (they see the new files through the
// `..data` swap, without a restart). A volume is rewritten only when its files changed;
// writes of one pod are serialized. The directories go with the pod's folder.

import { createHash } from "node:crypto";
import os from "node:os";
import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import { writeAtomically } from "../runtime/atomic-volume.js";
import { emptyDirPath } from "./container-spec.js";
import type { ConfigLookup } from "./env-sources.js";
import type { PodFacts } from "./env.js";
import { writerOwnership } from "./fs-group.js";
import { isConfigVolume, planVolume } from "./volume-plan.js";

export interface ConfigVolumesOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** A projected serviceAccountToken source's token, once fetched (pod-tokens.ts). */
  tokenOf?: (uid: string, source: { audience?: string; expirationSeconds?: number }) => string | undefined;
}

/** What a downward API file may read of the node (a volume has no pod IP to show). */
export function volumeFacts(nodeName: string, hostIP: string): PodFacts {
  return { nodeName, hostIP, podIP: "", allocatable: { cpu: os.cpus().length, memory: os.totalmem() } };
}

export class ConfigVolumes {
  /** What each pod's volumes hold on disk: a digest of their files, by volume name. */
  private readonly written = new Map<string, Map<string, string>>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly o: ConfigVolumesOptions) {}

  /**
   * Writes the pod's volumes whose files changed. Throws the kubelet's FailedMount message
   * (`MountVolume.SetUp failed for volume "v" : configmap "x" not found`) for the first that
   * cannot be made.
   */
  ensure(pod: Pod, lookup: ConfigLookup, facts: PodFacts): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    const next = (this.chains.get(uid) ?? Promise.resolve()).then(() => this.write(pod, lookup, facts));
    const settled = next.catch(() => {});
    this.chains.set(uid, settled);
    void settled.then(() => {
      if (this.chains.get(uid) === settled) this.chains.delete(uid);
    });
    return next;
  }

  /**
   * After a new set: rewrites what changed in the volumes of its pods (those adopted after a
   * restart too). Nothing is written for a pod whose files are unchanged.
   */
  refresh(pods: readonly Pod[], lookup: ConfigLookup, facts: PodFacts): void {
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp || !(pod.spec.volumes ?? []).some(isConfigVolume)) continue;
      this.ensure(pod, lookup, facts).catch((e: unknown) => {
        // The files stay as they were, as on a kubelet; a container start reports the failure.
        this.o.logger.debug("volume not updated", {
          pod: `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`,
          error: e instanceof Error ? e.message : String(e),
        });
      });
    }
  }

  /** The pod left the node: its folder (and so its volumes) is removed with it. */
  forget(uid: string): void {
    this.written.delete(uid);
  }

  private async write(pod: Pod, lookup: ConfigLookup, facts: PodFacts): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    const done = this.written.get(uid) ?? new Map<string, string>();
    for (const volume of (pod.spec.volumes ?? []).filter(isConfigVolume)) {
      let digest: string;
      let files: ReturnType<typeof planVolume>;
      try {
        const tokenOf = this.o.tokenOf;
        files = planVolume(pod, volume, lookup, {
          ...facts,
          ...(tokenOf ? { serviceAccountToken: (s) => tokenOf(uid, s) } : {}),
        });
        const hash = createHash("sha256");
        for (const f of files) hash.update(`${f.path}\0${f.mode}\0`).update(f.data).update("\0");
        digest = hash.digest("hex");
      } catch (e) {
        throw new Error(
          `MountVolume.SetUp failed for volume "${volume.name}" : ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (done.get(volume.name) === digest) continue;
      await writeAtomically(
        emptyDirPath(this.o.dataDir, uid, volume.name),
        files,
        new Date(this.o.clock.now()),
        writerOwnership(pod, volume),
      );
      done.set(volume.name, digest);
      this.written.set(uid, done);
    }
    this.written.set(uid, done);
  }
}
