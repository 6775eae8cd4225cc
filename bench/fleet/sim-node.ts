// One simulated agent: the real agent's protocol and habits without Docker. It registers
// with the join token and its node secret, connects, says hello with a node report, keeps
// the heartbeat interval the server gives, applies assignment sets by revision (an older
// one is ignored), reports each pod's status through the agent's own StatusReporter
// (batched, acked, everything resent after a reconnect), and reconnects with the agent's
// jittered back-off (agent/session/session.ts): re-registering when its credential is
// refused or its node was deleted, waiting longest after "too many messages".

import type { SecureContext } from "node:tls";
import type { Pod, PodStatus } from "../../shared/api-types.js";
import { backoffDelay, RECONNECT_BACKOFF } from "../../shared/backoff.js";
import { systemClock } from "../../shared/clock.js";
import type { JoinToken } from "../../shared/join-token.js";
import {
  CLOSE_CODES,
  type NodeReport,
  type PodStatusMessage,
  type ServerMessage,
} from "../../shared/protocol.js";
import { TlsSessions } from "../../agent/session/tls-sessions.js";
import { StatusReporter } from "../../agent/worker/status-reporter.js";
import type { SimNodeSpec, SimOptions } from "./sim-protocol.js";
import { registerNode } from "./sim-https.js";
import { ConnectError, SimSocket } from "./sim-socket.js";
import { isReadyStatus, simulatedStatus, type SimHost, type SimPodState } from "./sim-status.js";

/** What every node of a simulator process shares, and how it tells the process what happened. */
export interface SimContext {
  server: URL;
  joinToken: JoinToken;
  secureContext: SecureContext;
  report: NodeReport;
  options: SimOptions;
  random: () => number;
  onAttempt(node: SimNode): void;
  onClosed(node: SimNode, code: number): void;
  onAssignments(node: SimNode, bytes: number): void;
  onDuplicate(node: SimNode, what: string): void;
  onStatusesSent(count: number): void;
  onHeartbeat(): void;
}

const SLOWEST_ATTEMPT = Math.ceil(Math.log2(RECONNECT_BACKOFF.maxMs / RECONNECT_BACKOFF.initialMs));

/** The DaemonSet (by name) that controls a pod, if any. */
export function ownerDaemonSet(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.kind === "DaemonSet" && o.controller)?.name;
}

export class SimNode {
  credential: string | undefined;
  appliedRevision = 0;
  pods = new Map<string, Pod>();
  welcomed = false;
  /** The heartbeat interval the server gave last (welcome or pace); 0 before the first welcome. */
  heartbeatIntervalSeconds = 0;
  registrations = 0;
  /** When a Ready status was last sent for a pod of each image. */
  readonly lastReadySent = new Map<string, number>();
  private readonly secret: string;
  private readonly host: SimHost;
  /** Its TLS session, resumed as the agent resumes its own (agent/session/tls-sessions.ts). */
  private readonly tlsSessions = new TlsSessions();
  private readonly reporter: StatusReporter;
  private readonly statuses = new Map<string, PodStatus>();
  private readonly starting = new Map<string, NodeJS.Timeout>();
  private socket: SimSocket | undefined;
  private stopHeartbeat: (() => void) | undefined;
  private stopped = false;
  private offlineUntil = 0;
  private wake: (() => void) | undefined;
  private firstSet: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    readonly spec: SimNodeSpec,
    private readonly ctx: SimContext,
    secret: string,
    podIP: string,
  ) {
    this.secret = secret;
    this.host = { nodeName: spec.name, hostIP: spec.ip, podIP };
    this.reporter = new StatusReporter({ clock: systemClock, send: (m) => this.sendStatuses(m) });
  }

  get name(): string {
    return this.spec.name;
  }

  get connected(): boolean {
    return this.welcomed && this.socket?.isOpen === true;
  }

  /** One join: the registration, on one connection verified by the CA fetched once per process. */
  async register(): Promise<void> {
    const answer = await registerNode(
      this.ctx.server,
      this.ctx.secureContext,
      this.ctx.joinToken,
      { nodeName: this.spec.name, labels: this.spec.labels, taints: [], nodeSecret: this.secret },
      this.spec.localAddress,
    );
    this.credential = answer.token;
    this.registrations++;
  }

  /** Starts the connection loop; resolves once welcomed and the first assignment set applied. */
  start(): Promise<void> {
    const first = new Promise<void>((resolve) => (this.firstSet = resolve));
    this.loop ??= this.run();
    return first;
  }

  /** Drops the connection (churn): with goodbye as a clean stop, else as a crash; back after `offlineMs`. */
  drop(goodbye: boolean, offlineMs: number): void {
    this.offlineUntil = Date.now() + offlineMs;
    const s = this.socket;
    if (!s?.isOpen) return;
    if (goodbye) {
      s.send({ v: 1, type: "goodbye", reason: "simulated restart" });
      s.close(1000, "simulated restart");
    } else s.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopHeartbeat?.();
    for (const t of this.starting.values()) clearTimeout(t);
    this.socket?.terminate();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      let rejoin = false;
      try {
        const code = await this.connectOnce();
        if (this.welcomed) attempt = 0;
        this.welcomed = false;
        this.stopHeartbeat?.();
        this.ctx.onClosed(this, code);
        if (code === CLOSE_CODES.unauthorized) rejoin = true;
        if (code === CLOSE_CODES.tooManyMessages) attempt = Math.max(attempt, SLOWEST_ATTEMPT);
        if (code === CLOSE_CODES.nodeDeleted) {
          this.removeAll();
          rejoin = true;
        }
      } catch (e) {
        rejoin = e instanceof ConnectError && e.unauthorized;
      }
      if (this.stopped) return;
      if (rejoin) await this.register().catch(() => {});
      const delay = Math.max(
        this.offlineUntil - Date.now(),
        backoffDelay(RECONNECT_BACKOFF, attempt++, this.ctx.random),
      );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** One connection's life; resolves with its close code. */
  private async connectOnce(): Promise<number> {
    if (!this.credential) throw new ConnectError("not registered", true);
    this.ctx.onAttempt(this);
    let closed!: (code: number) => void;
    const done = new Promise<number>((r) => (closed = r));
    this.socket = await SimSocket.open({
      server: this.ctx.server,
      token: this.credential,
      secureContext: this.ctx.secureContext,
      localAddress: this.spec.localAddress,
      timeoutMs: 30_000,
      sessions: this.tlsSessions,
      onMessage: (m, bytes) => this.handle(m, bytes),
      onClose: (code) => closed(code),
    });
    if (this.stopped) this.socket.terminate();
    else
      this.socket.send({
        v: 1,
        type: "hello",
        nodeName: this.spec.name,
        node: this.nodeReport(),
        appliedRevision: this.appliedRevision,
        // Like the real agent, it takes a longer heartbeat interval while connected.
        capabilities: ["pace"],
      });
    return done;
  }

  private nodeReport(): NodeReport {
    const r = this.ctx.report;
    return {
      ...r,
      addresses: [
        { type: "InternalIP", address: this.spec.ip },
        { type: "Hostname", address: this.spec.name },
      ],
    };
  }

  private heartbeatEvery(seconds: number): void {
    this.heartbeatIntervalSeconds = seconds;
    this.stopHeartbeat?.();
    this.stopHeartbeat = systemClock.every(Math.max(1, seconds) * 1000, () => {
      if (this.socket?.send({ v: 1, type: "heartbeat" })) this.ctx.onHeartbeat();
    });
  }

  private handle(m: ServerMessage, bytes: number): void {
    switch (m.type) {
      case "welcome": {
        this.welcomed = true;
        this.heartbeatEvery(m.heartbeatIntervalSeconds);
        this.reporter.resendAll();
        return;
      }
      case "pace":
        this.heartbeatEvery(m.heartbeatIntervalSeconds);
        return;
      case "assignments":
        if (m.revision >= this.appliedRevision) this.apply(m.revision, m.pods);
        this.ctx.onAssignments(this, bytes);
        if (this.welcomed && this.firstSet) {
          this.firstSet();
          this.firstSet = undefined;
        }
        return;
      case "ack":
        this.reporter.ack(m.seq);
        return;
      case "logRequest":
        this.socket?.send({
          v: 1,
          type: "logEnd",
          requestId: m.requestId,
          error: { code: "NotFound", message: "a simulated node has no logs" },
        });
        return;
      case "logCancel":
        return;
    }
  }

  private apply(revision: number, pods: Pod[]): void {
    this.appliedRevision = revision;
    const next = new Map<string, Pod>();
    const perOwner = new Map<string, number>();
    for (const p of pods) {
      if (p.spec.nodeName !== undefined && p.spec.nodeName !== this.spec.name) continue;
      const uid = p.metadata.uid ?? "";
      next.set(uid, p);
      const owner = ownerDaemonSet(p);
      if (owner) perOwner.set(owner, (perOwner.get(owner) ?? 0) + 1);
    }
    for (const [owner, n] of perOwner) {
      if (n > 1)
        this.ctx.onDuplicate(this, `${this.spec.name}: ${n} pods of ${owner} at revision ${revision}`);
    }
    for (const uid of this.pods.keys()) if (!next.has(uid)) this.forget(uid);
    const added = [...next].filter(([uid]) => !this.pods.has(uid));
    this.pods = next;
    for (const [, pod] of added) this.startPod(pod);
  }

  private startPod(pod: Pod): void {
    const uid = pod.metadata.uid ?? "";
    const fails = this.ctx.random() < this.ctx.options.failureRate;
    const final: SimPodState = fails ? "crashing" : "running";
    const startup = this.ctx.options.startupMs;
    if (startup <= 0) {
      this.setState(pod, final);
      return;
    }
    this.setState(pod, "creating");
    const t = setTimeout(
      () => {
        this.starting.delete(uid);
        if (this.pods.get(uid) === pod) this.setState(pod, final);
      },
      startup * (0.5 + this.ctx.random()),
    );
    this.starting.set(uid, t);
  }

  private setState(pod: Pod, state: SimPodState): void {
    const uid = pod.metadata.uid ?? "";
    const status = simulatedStatus(pod, this.host, state, Date.now(), this.statuses.get(uid));
    this.statuses.set(uid, status);
    this.reporter.report({
      namespace: pod.metadata.namespace ?? "default",
      name: pod.metadata.name ?? "",
      uid,
      status,
    });
  }

  private forget(uid: string): void {
    const t = this.starting.get(uid);
    if (t) clearTimeout(t);
    this.starting.delete(uid);
    this.statuses.delete(uid);
    this.reporter.forget(uid);
  }

  private removeAll(): void {
    for (const uid of this.pods.keys()) this.forget(uid);
    this.pods = new Map();
    this.appliedRevision = 0;
  }

  private sendStatuses(m: PodStatusMessage): boolean {
    if (!this.socket?.send(m)) return false;
    const now = Date.now();
    for (const s of m.statuses) {
      if (!isReadyStatus(s.status)) continue;
      const image = this.pods.get(s.uid)?.spec.containers[0]?.image;
      if (image) this.lastReadySent.set(image, now);
    }
    this.ctx.onStatusesSent(m.statuses.length);
    return true;
  }
}
