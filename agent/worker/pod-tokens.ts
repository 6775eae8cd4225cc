// Keeps each pod's ServiceAccount token mounted, as the kubelet's kube-api-access volume:
// `token`, `ca.crt` (the cluster CA the agent trusts) and `namespace`, written atomically
// under the pod's folder before its containers are created, and renewed at 80% of the
// token's life. The token comes from the control plane's pod-token endpoint, which also says
// whether the pod gets one at all (automountServiceAccountToken). A failed fetch is the
// kubelet's FailedMount: the pod waits on the crash-loop back-off, never a hot loop.

import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { PodTokenRequest, PodTokenResponse } from "../../shared/protocol.js";
import { writeAtomically } from "../runtime/atomic-volume.js";
import { emptyDirPath } from "./container-spec.js";

/** The volume's folder: a dot makes it a name no volume of a pod spec can have. */
export const TOKEN_VOLUME = "kube-api-access.everynode";
/** The life the endpoint gives when it names no expiry. */
const DEFAULT_LIFE_MS = 3607_000;
/** How often held tokens are checked for renewal. */
const RENEW_CHECK_MS = 10_000;
/** After a failed renewal, the wait before the next try. */
const RENEW_RETRY_MS = 30_000;

export type PodTokenFetch = (request: PodTokenRequest) => Promise<PodTokenResponse>;

export interface PodTokensOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  fetch: PodTokenFetch;
  /** The cluster CA the agent trusts (PEM), for `ca.crt`. */
  caPem: () => string;
}

interface Held {
  /** Undefined when the pod opted out: nothing is mounted. */
  dir: string | undefined;
  renewAt: number;
}

/** When to renew a token issued at `now` that expires at `expiresAt`: at 80% of its life. */
export function renewAt(now: number, expiresAt: number): number {
  return now + Math.max(0, Math.floor((expiresAt - now) * 0.8));
}

export class PodTokens {
  private readonly held = new Map<string, Held>();
  private readonly chains = new Map<string, Promise<Held>>();

  constructor(private readonly o: PodTokensOptions) {}

  /** Checks held tokens every few seconds and renews those at 80% of their life. */
  start(pods: () => readonly Pod[]): () => void {
    return this.o.clock.every(RENEW_CHECK_MS, () => this.renewDue(pods()));
  }

  /**
   * The host folder to mount at SERVICE_ACCOUNT_MOUNT, written (or renewed) when needed;
   * undefined when the pod gets no token. Throws a FailedMount message when it cannot.
   */
  async ensure(pod: Pod): Promise<string | undefined> {
    const uid = pod.metadata.uid ?? "";
    const held = this.held.get(uid);
    if (held && this.o.clock.now() < held.renewAt) return held.dir;
    const running = this.chains.get(uid);
    if (running) return (await running).dir;
    const next = this.fetchAndWrite(pod).finally(() => this.chains.delete(uid));
    this.chains.set(uid, next);
    return (await next).dir;
  }

  /** Renews the tokens of `pods` that are due; a failure keeps the old files and is retried. */
  renewDue(pods: readonly Pod[]): void {
    const now = this.o.clock.now();
    for (const pod of pods) {
      const held = this.held.get(pod.metadata.uid ?? "");
      if (!held?.dir || now < held.renewAt || pod.metadata.deletionTimestamp) continue;
      this.ensure(pod).catch((e: unknown) => {
        // The old token stays mounted; try again after a pause rather than at every check.
        held.renewAt = this.o.clock.now() + RENEW_RETRY_MS;
        this.o.logger.warn("service account token not renewed", {
          pod: `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`,
          error: e instanceof Error ? e.message : String(e),
        });
      });
    }
  }

  /** The pod left the node: its folder goes with it. */
  forget(uid: string): void {
    this.held.delete(uid);
  }

  private async fetchAndWrite(pod: Pod): Promise<Held> {
    const uid = pod.metadata.uid ?? "";
    const namespace = pod.metadata.namespace ?? "default";
    let answer: PodTokenResponse;
    try {
      answer = await this.o.fetch({ namespace, name: pod.metadata.name ?? "", uid });
    } catch (e) {
      throw new Error(
        `MountVolume.SetUp failed for volume "kube-api-access" : failed to fetch token: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const now = this.o.clock.now();
    if (!answer.automount || !answer.token) {
      // The pod's (or its ServiceAccount's) choice is fixed for the pod's life.
      const held: Held = { dir: undefined, renewAt: Infinity };
      this.held.set(uid, held);
      return held;
    }
    const expires = answer.expirationTimestamp ? Date.parse(answer.expirationTimestamp) : NaN;
    const dir = emptyDirPath(this.o.dataDir, uid, TOKEN_VOLUME);
    await writeAtomically(
      dir,
      [
        { path: "token", data: Buffer.from(answer.token), mode: 0o644 },
        { path: "ca.crt", data: Buffer.from(this.o.caPem()), mode: 0o644 },
        { path: "namespace", data: Buffer.from(namespace), mode: 0o644 },
      ],
      new Date(now),
    );
    const held: Held = {
      dir,
      renewAt: renewAt(now, Number.isFinite(expires) ? expires : now + DEFAULT_LIFE_MS),
    };
    this.held.set(uid, held);
    return held;
  }
}
