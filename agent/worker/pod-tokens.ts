// Keeps each pod's ServiceAccount tokens: the kubelet's kube-api-access volume (`token`,
// `ca.crt` (the cluster CA the agent trusts) and `namespace`, written atomically under the
// pod's folder before its containers are created) and the tokens of its projected
// `serviceAccountToken` sources (written by config-volumes.ts, which reads them here). Each is
// renewed at 80% of its life; a token still in date stays in use while the control plane
// cannot be reached. The tokens come from the control plane's pod-token endpoint, which also
// says whether the pod gets the default one at all (automountServiceAccountToken). A failed
// fetch is the kubelet's FailedMount: the pod waits on the crash-loop back-off.

import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { PodTokenRequest, PodTokenResponse } from "../../shared/protocol.js";
import { writeAtomically } from "../runtime/atomic-volume.js";
import { emptyDirPath } from "./container-spec.js";
import { writerOwnership } from "./fs-group.js";
import { tokenFileMode } from "./security-spec.js";

/** The volume's folder: a dot makes it a name no volume of a pod spec can have. */
export const TOKEN_VOLUME = "kube-api-access.everynode";
/** The life the endpoint gives when it names no expiry. */
const DEFAULT_LIFE_MS = 3607_000;
/** How often held tokens are checked for renewal. */
const RENEW_CHECK_MS = 10_000;
/** After a failed renewal, the wait before the next try. */
const RENEW_RETRY_MS = 30_000;
/** A projected source's default life, as on Kubernetes. */
export const PROJECTED_DEFAULT_SECONDS = 3600;

export type PodTokenFetch = (request: PodTokenRequest) => Promise<PodTokenResponse>;

/** A projected `serviceAccountToken` source, as the pod spec writes it. */
export interface TokenSource {
  audience?: string;
  expirationSeconds?: number;
  path?: string;
}

export interface PodTokensOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  fetch: PodTokenFetch;
  /** The cluster CA the agent trusts (PEM), for `ca.crt`. */
  caPem: () => string;
  /** A projected token was renewed: its volume must be written again. */
  onProjectedRenewed?: (pod: Pod) => void;
}

interface Held {
  /** Undefined when the pod opted out of the default token: nothing is mounted. */
  token: string | undefined;
  renewAt: number;
  expiresAt: number;
}

/** One token a pod needs: the default mount (no source) or a projected source. */
interface Wanted {
  volume: string;
  source?: TokenSource;
}

/** When to renew a token issued at `now` that expires at `expiresAt`: at 80% of its life. */
export function renewAt(now: number, expiresAt: number): number {
  return now + Math.max(0, Math.floor((expiresAt - now) * 0.8));
}

/** Which token a source asks for: sources with the same audience and life share one. */
export function tokenKey(source: TokenSource | undefined): string {
  return source ? `${source.audience ?? ""}|${source.expirationSeconds ?? PROJECTED_DEFAULT_SECONDS}` : "";
}

/** The pod's projected serviceAccountToken sources, with their volumes' names. */
export function projectedTokenSources(pod: Pod): { volume: string; source: TokenSource }[] {
  const out: { volume: string; source: TokenSource }[] = [];
  for (const v of pod.spec.volumes ?? []) {
    const sources = (v.projected as { sources?: { serviceAccountToken?: TokenSource }[] } | undefined)
      ?.sources;
    for (const s of sources ?? [])
      if (s.serviceAccountToken) out.push({ volume: v.name, source: s.serviceAccountToken });
  }
  return out;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class PodTokens {
  /** By pod uid, then tokenKey. */
  private readonly held = new Map<string, Map<string, Held>>();
  private readonly chains = new Map<string, Promise<void>>();
  /** Tokens never fetched whose background fetch failed: not before this time again. */
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly o: PodTokensOptions) {}

  /** Checks the pods' tokens every few seconds and renews those at 80% of their life. */
  start(pods: () => readonly Pod[]): () => void {
    return this.o.clock.every(RENEW_CHECK_MS, () => this.renewDue(pods()));
  }

  /**
   * Fetches (or renews) every token the pod needs and writes its default mount; resolves to
   * the host folder to mount at SERVICE_ACCOUNT_MOUNT, undefined when the pod gets none.
   * Throws a FailedMount message when a token cannot be had.
   */
  async ensure(pod: Pod): Promise<string | undefined> {
    const uid = pod.metadata.uid ?? "";
    await Promise.all(this.wanted(pod).map((w) => this.ensureOne(pod, w)));
    return this.held.get(uid)?.get("")?.token ? this.dir(uid) : undefined;
  }

  /** The token of a projected source, once ensure() has fetched it. */
  tokenOf(uid: string, source: TokenSource): string | undefined {
    return this.held.get(uid)?.get(tokenKey(source))?.token;
  }

  /**
   * Renews the tokens of `pods` that are due, and fetches those never fetched (pods adopted
   * after an agent restart); a failure keeps the old files and is retried after a pause.
   */
  renewDue(pods: readonly Pod[]): void {
    const now = this.o.clock.now();
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const uid = pod.metadata.uid ?? "";
      for (const w of this.wanted(pod)) {
        const key = `${uid}\0${tokenKey(w.source)}`;
        const held = this.held.get(uid)?.get(tokenKey(w.source));
        const due = held
          ? held.token !== undefined && now >= held.renewAt
          : now >= (this.retryAt.get(key) ?? 0);
        if (!due || this.chains.has(key)) continue;
        this.ensureOne(pod, w, false).then(
          () => {
            this.retryAt.delete(key);
            if (w.source) this.o.onProjectedRenewed?.(pod);
          },
          (e: unknown) => {
            // The old token stays mounted; try again after a pause rather than at every check.
            const at = this.o.clock.now() + RENEW_RETRY_MS;
            if (held) held.renewAt = at;
            else this.retryAt.set(key, at);
            // Warned once a held token fails to renew; a pod still waiting says so in its status.
            this.o.logger[held ? "warn" : "debug"]("service account token not renewed", {
              pod: `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`,
              error: messageOf(e),
            });
          },
        );
      }
    }
  }

  /** The pod left the node: its folder goes with it. */
  forget(uid: string): void {
    this.held.delete(uid);
    for (const key of this.retryAt.keys()) if (key.startsWith(`${uid}\0`)) this.retryAt.delete(key);
  }

  private wanted(pod: Pod): Wanted[] {
    return [{ volume: "kube-api-access" }, ...projectedTokenSources(pod)];
  }

  private dir(uid: string): string {
    return emptyDirPath(this.o.dataDir, uid, TOKEN_VOLUME);
  }

  /** With `keepInDate`, a failed renewal of a token still in date is no failure. */
  private async ensureOne(pod: Pod, w: Wanted, keepInDate = true): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    const held = this.held.get(uid)?.get(tokenKey(w.source));
    if (held && this.o.clock.now() < held.renewAt) return;
    const key = `${uid}\0${tokenKey(w.source)}`;
    let running = this.chains.get(key);
    if (!running) {
      running = this.fetchAndWrite(pod, w).finally(() => this.chains.delete(key));
      this.chains.set(key, running);
    }
    try {
      await running;
    } catch (e) {
      // A token still in date keeps serving (the control plane may be away for a while).
      if (keepInDate && held?.token !== undefined && this.o.clock.now() < held.expiresAt) return;
      throw e;
    }
  }

  private async fetchAndWrite(pod: Pod, w: Wanted): Promise<void> {
    const uid = pod.metadata.uid ?? "";
    const namespace = pod.metadata.namespace ?? "default";
    const request: PodTokenRequest = { namespace, name: pod.metadata.name ?? "", uid };
    if (w.source) {
      request.projected = true;
      if (w.source.audience) request.audience = w.source.audience;
      request.expirationSeconds = w.source.expirationSeconds ?? PROJECTED_DEFAULT_SECONDS;
    }
    let answer: PodTokenResponse;
    try {
      answer = await this.o.fetch(request);
      if (w.source && !answer.token) throw new Error("the control plane issued no token");
    } catch (e) {
      throw new Error(
        `MountVolume.SetUp failed for volume "${w.volume}" : failed to fetch token: ${messageOf(e)}`,
      );
    }
    const now = this.o.clock.now();
    const byKey = this.held.get(uid) ?? new Map<string, Held>();
    this.held.set(uid, byKey);
    const token = answer.token;
    if (token === undefined || (!w.source && !answer.automount)) {
      // The pod's (or its ServiceAccount's) choice is fixed for the pod's life.
      byKey.set("", { token: undefined, renewAt: Infinity, expiresAt: Infinity });
      return;
    }
    const parsed = answer.expirationTimestamp ? Date.parse(answer.expirationTimestamp) : NaN;
    const expiresAt = Number.isFinite(parsed) ? parsed : now + DEFAULT_LIFE_MS;
    if (!w.source)
      await writeAtomically(
        this.dir(uid),
        [
          { path: "token", data: Buffer.from(token), mode: tokenFileMode(pod, 0o644) },
          { path: "ca.crt", data: Buffer.from(this.o.caPem()), mode: 0o644 },
          { path: "namespace", data: Buffer.from(namespace), mode: 0o644 },
        ],
        new Date(now),
        // The kubelet's kube-api-access volume is a projected one: the fsGroup's too.
        writerOwnership(pod, { name: TOKEN_VOLUME, projected: {} }),
      );
    byKey.set(tokenKey(w.source), { token, renewAt: renewAt(now, expiresAt), expiresAt });
  }
}
