// Image pre-pull on the node (`rollingUpdate.prePull`): the control plane names, in each
// assignment set, the images of a rollout's update revision this node is due for; this pulls
// them in the background, one at a time, through the same runtime call the pods' pulls use
// (ensureImage, with the container's imagePullPolicy: Never only checks the image is there,
// IfNotPresent pulls a missing one, Always pulls) and the same image-pull back-off after a
// failure, and reports what it has in `nodeImages` messages (the Node's status.images) with
// each pull's state. The rollout replaces the node's pod only once the images are reported.

import { Backoff } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { NodeImagesMessage, PrePullImage, PrePullState, ReportedImage } from "../../shared/protocol.js";
import { truncateUtf8 } from "../../shared/limits.js";
import { AGENT_LIMITS } from "../../shared/protocol.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { IMAGE_PULL_BACKOFF, pullPolicyOf } from "./container-plan.js";
import type { PullCredentials } from "./registry-credentials.js";

export interface PrePullerOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  /** Sends a report on the live connection; false when there is none. */
  send: (m: NodeImagesMessage) => boolean;
  /** The registry credentials of an image's pull Secrets (from the latest assignment set). */
  credentials?: (want: PrePullImage) => PullCredentials;
}

export class PrePuller {
  private wanted: PrePullImage[] = [];
  private readonly states = new Map<string, PrePullState>();
  private readonly present = new Map<string, ReportedImage>();
  private readonly backoff: Backoff;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private dirty = false;
  private lastSent = "";
  private serverTakesReports = false;
  private wakeAt = Infinity;

  constructor(private readonly o: PrePullerOptions) {
    this.backoff = new Backoff(IMAGE_PULL_BACKOFF, { clock: o.clock });
  }

  /**
   * A new connection: nothing is reported on it until its server shows, by an assignment set
   * with `prePull`, that it takes reports (an older server would close the connection).
   */
  reconnected(): void {
    this.serverTakesReports = false;
    this.lastSent = "";
  }

  /** An assignment set's `prePull`: the images wanted now (and the server takes reports). */
  setWanted(images: readonly PrePullImage[]): void {
    this.serverTakesReports = true;
    const next = images.slice(0, AGENT_LIMITS.prePullImages);
    if (JSON.stringify(next) !== JSON.stringify(this.wanted)) {
      this.wanted = next.map((i) => ({ ...i }));
      const names = new Set(this.wanted.map((i) => i.image));
      for (const key of [...this.states.keys()]) if (!names.has(key)) this.states.delete(key);
      for (const key of [...this.present.keys()]) if (!names.has(key)) this.present.delete(key);
      this.backoff.resetWhere((k) => !names.has(k));
    }
    this.report();
    this.kick();
  }

  /** Waits for the pulls under way (tests). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  stop(): void {
    this.abort.abort();
  }

  private kick(): void {
    if (this.abort.signal.aborted) return;
    if (this.loop) {
      this.dirty = true;
      return;
    }
    this.loop = (async () => {
      do {
        this.dirty = false;
        await this.pass();
      } while (this.dirty && !this.abort.signal.aborted);
    })().finally(() => {
      this.loop = undefined;
    });
  }

  /** Makes each wanted image present that is not yet, except those waiting out their back-off. */
  private async pass(): Promise<void> {
    let nextTry = Infinity;
    for (const want of [...this.wanted]) {
      if (this.abort.signal.aborted) return;
      if (this.states.get(want.image)?.state === "Present") continue;
      const readyAt = this.backoff.readyAt(want.image) ?? 0;
      if (this.o.clock.now() < readyAt) {
        nextTry = Math.min(nextTry, readyAt);
        continue;
      }
      const retryAt = await this.ensure(want);
      if (retryAt !== undefined) nextTry = Math.min(nextTry, retryAt);
    }
    this.scheduleRetry(nextTry);
  }

  /** One image; returns when to try again after a failure. */
  private async ensure(want: PrePullImage): Promise<number | undefined> {
    const { runtime } = this.o;
    const image = want.image;
    const policy = pullPolicyOf(image, want.pullPolicy);
    const { credentials, problems } = this.o.credentials?.(want) ?? { credentials: [], problems: [] };
    try {
      if (policy !== "Always" && (await runtime.imageExists(image))) {
        await this.havePresent(want);
        return undefined;
      }
      if (policy !== "Never") this.setState(want, { image, state: "Pulling" });
      await runtime.ensureImage(image, policy, credentials);
      await this.havePresent(want);
      return undefined;
    } catch (e) {
      const said = e instanceof Error ? e.message : String(e);
      const full = problems.length > 0 ? `${said} (${problems.join("; ")})` : said;
      // Within what the server takes (a longer message would cost the whole report).
      const message = truncateUtf8(full, AGENT_LIMITS.textBytes);
      this.o.logger.warn("image pre-pull failed", { image, error: message });
      const reason = policy === "Never" ? "ErrImageNeverPull" : "ErrImagePull";
      this.backoff.fail(image);
      this.setState(want, { image, state: "Failed", reason, message });
      return this.backoff.readyAt(image);
    }
  }

  private async havePresent(want: PrePullImage): Promise<void> {
    const facts = await this.o.runtime.inspectImage?.(want.image);
    // Within what the server takes: the wanted reference first (the rollout looks for it).
    const others = (facts?.names ?? []).filter(
      (n) => n !== want.image && Buffer.byteLength(n) <= AGENT_LIMITS.imageRefBytes,
    );
    const names = [want.image, ...others].slice(0, AGENT_LIMITS.imageNames);
    const reported: ReportedImage = facts ? { names, sizeBytes: facts.sizeBytes } : { names };
    this.backoff.reset(want.image);
    if (!this.wanted.includes(want)) return; // the set changed meanwhile
    this.present.set(want.image, reported);
    this.setState(want, { image: want.image, state: "Present" });
  }

  private setState(want: PrePullImage, state: PrePullState): void {
    if (!this.wanted.includes(want)) return;
    this.states.set(want.image, state);
    this.report();
  }

  /** Sends the state when it changed since the last report that went out. */
  private report(): void {
    const message: NodeImagesMessage = {
      v: 1,
      type: "nodeImages",
      images: this.wanted.flatMap((w) => this.present.get(w.image) ?? []),
      prePull: this.wanted.flatMap((w) => this.states.get(w.image) ?? []),
    };
    const json = JSON.stringify(message);
    if (!this.serverTakesReports || json === this.lastSent) return;
    if (this.o.send(message)) this.lastSent = json;
  }

  private scheduleRetry(at: number): void {
    if (at === Infinity || at >= this.wakeAt) return;
    this.wakeAt = at;
    void this.o.clock
      .sleep(Math.max(0, at - this.o.clock.now()), this.abort.signal)
      .then(() => {
        if (this.wakeAt === at) this.wakeAt = Infinity;
        this.kick();
      })
      .catch(() => {});
  }
}
