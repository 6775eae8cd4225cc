// The worker's memory of what happened to its containers between passes: crash and pull
// streaks (for the planner), why a container could not be created and why one was killed
// (for the status). Written only from the executor's outcomes, by the worker that owns it.

import { Backoff } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import { CRASH_LOOP_BACKOFF, IMAGE_PULL_BACKOFF, type RestartState } from "./container-plan.js";
import type { ExecutorOutcome } from "./executor.js";
import type { PullErrorFact } from "./pod-status.js";

export class ContainerRecords {
  private readonly crash: Backoff;
  private readonly pull: Backoff;
  /** Errors that keep a container from being created, shown as its waiting reason. */
  readonly pullErrors: Record<string, PullErrorFact> = {};
  /** Pull failures not reported yet: shown once as ErrImagePull before ImagePullBackOff. */
  private readonly freshPullFailures = new Set<string>();
  /** Why a pod's sandbox could not be made, by pod uid: every container of the pod waits on it. */
  readonly sandboxErrors: Record<string, string> = {};
  /** Why a container was killed for a failed probe, by container id: its terminated message. */
  readonly probeKills: Record<string, string> = {};

  constructor(nodeName: string, clock: Clock) {
    this.crash = new Backoff(CRASH_LOOP_BACKOFF, { clock });
    this.pull = new Backoff(IMAGE_PULL_BACKOFF, { clock });
    this.restartState = { nodeName, crash: this.crash, pull: this.pull };
  }

  /** What the planner reads. */
  readonly restartState: RestartState;

  record(o: ExecutorOutcome): void {
    switch (o.type) {
      case "pulled":
        delete this.pullErrors[o.key];
        this.pull.reset(o.key);
        break;
      case "pull-failed":
        this.pullErrors[o.key] = o.error;
        if (o.error.reason === "ErrImagePull") {
          this.pull.fail(o.key);
          this.freshPullFailures.add(o.key);
        }
        break;
      case "created":
        delete this.pullErrors[o.key];
        if (o.restartStep !== undefined) {
          // The first restart of a streak (the container ran long enough) starts afresh.
          if (o.restartStep === 1) this.crash.reset(o.key);
          this.crash.fail(o.key);
        }
        break;
      case "create-failed":
        this.pullErrors[o.key] = o.error;
        break;
      case "sandbox-ready":
        delete this.sandboxErrors[o.podUid];
        break;
      case "sandbox-failed":
        this.sandboxErrors[o.podUid] = o.message;
        break;
      case "killing":
        this.probeKills[o.containerId] = o.message;
        break;
      case "pod-removed": {
        const mine = (key: string): boolean => key.startsWith(`${o.podUid}/`);
        this.crash.resetWhere(mine);
        this.pull.resetWhere(mine);
        for (const key of Object.keys(this.pullErrors)) if (mine(key)) delete this.pullErrors[key];
        delete this.sandboxErrors[o.podUid];
        break;
      }
    }
  }

  /** Whether a pull failed since the last pass (reported as ErrImagePull, not yet as a back-off). */
  isFreshPullFailure(key: string): boolean {
    return this.freshPullFailures.has(key);
  }

  /** A pass reported the fresh failures. */
  clearFreshPullFailures(): void {
    this.freshPullFailures.clear();
  }

  /** Forgets the kill reasons of containers that are gone. */
  keepKillsOf(live: ReadonlySet<string>): void {
    for (const id of Object.keys(this.probeKills)) if (!live.has(id)) delete this.probeKills[id];
  }
}
