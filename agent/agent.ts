// One agent: joins (or reuses its stored credential), adopts what runs, then keeps the
// session and the worker going. Stopping says goodbye and leaves containers running;
// leaving removes them, deletes the node and forgets the credential.

import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import type { NodeReport, RegisterRequest } from "../shared/protocol.js";
import { AgentMetrics } from "./metrics/agent-metrics.js";
import { readHostUsage } from "./metrics/host-usage.js";
import { measuredRuntime } from "./metrics/measured-runtime.js";
import { PodLogManager } from "./logs/pod-log-manager.js";
import { VolumeMonitor } from "./volumes/volume-monitor.js";
import type { RotationPolicy } from "./logs/rotation.js";
import { UsageSampler } from "./metrics/usage-sampler.js";
import { collectNodeReport, defaultNodeIP, defaultNodeName, wellKnownLabels } from "./node-info.js";
import type { ContainerRuntime } from "./runtime/container-runtime.js";
import { deleteCredential, loadCredential, type NodeCredential } from "./session/credential-store.js";
import { TlsSessions } from "./session/tls-sessions.js";
import { CredentialSource } from "./session/credentials.js";
import { httpsRequest, statusMessage } from "./session/https-client.js";
import { LogStreamer } from "./session/log-streamer.js";
import { podApiEndpoints } from "./worker/api-endpoint.js";
import { podTokenFetcher } from "./session/pod-token-client.js";
import { StreamServer } from "./session/stream-server.js";
import type { StreamRuntime } from "./runtime/stream-runtime.js";
import { Session } from "./session/session.js";
import { PrePuller } from "./worker/pre-puller.js";
import { pullCredentialsFor } from "./worker/registry-credentials.js";
import { StatusReporter } from "./worker/status-reporter.js";
import { Worker } from "./worker/worker.js";

export interface AgentConfig {
  /** https://HOST:PORT of the control plane. */
  server: string;
  /** Needed to join (and to join again after the node was deleted). */
  joinToken?: string;
  nodeName?: string;
  labels?: Record<string, string>;
  taints?: RegisterRequest["taints"];
  dataDir: string;
  /** The node's InternalIP; default: the host's first non-internal IPv4. */
  nodeIP?: string;
  resyncMs?: number;
  /** The pods' sandbox image (pulled if absent); default: the agent's own, made offline. */
  pauseImage?: string;
  /** Where Localhost seccomp profiles live. */
  seccompRoot?: string;
  /** The kubelet's log layout: written under `root` (`/var/log`), rotated by `policy`; unset: none. */
  podLogs?: { root: string; policy: RotationPolicy };
}

export interface AgentDeps {
  runtime: ContainerRuntime;
  /** exec, attach, port-forward and usage; usually the same engine as `runtime`. */
  streams?: StreamRuntime;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

export class Agent {
  private readonly abort = new AbortController();
  private readonly credentials: CredentialSource;
  private readonly hostIP: string;
  private worker: Worker | undefined;
  private session: Session | undefined;
  private reporter: StatusReporter | undefined;
  private prePuller: PrePuller | undefined;
  private podLogs: PodLogManager | undefined;
  private volumes: VolumeMonitor | undefined;
  private leaving = false;
  /** The Docker bridge's gateway: where bridged pods reach a server on this host's loopback. */
  private bridgeGateway: string | undefined;
  private engineVersion: string | undefined;
  /** The figures relayed to the control plane's /metrics. */
  private readonly metrics: AgentMetrics;
  /** Each connection's TLS session, resumed by the next one (tls-sessions.ts). */
  private readonly tlsSessions = new TlsSessions();

  constructor(
    private readonly config: AgentConfig,
    private readonly deps: AgentDeps,
  ) {
    this.hostIP = config.nodeIP ?? defaultNodeIP();
    this.metrics = new AgentMetrics(deps.clock);
    this.credentials = new CredentialSource({
      server: config.server,
      dataDir: config.dataDir,
      request: () => this.registerRequest(),
      clock: deps.clock,
      logger: deps.logger,
      signal: this.abort.signal,
      ...(config.joinToken ? { joinToken: config.joinToken } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    });
  }

  /** The node name in use (known once joined). */
  get nodeName(): string | undefined {
    return this.credentials.current()?.nodeName;
  }

  /** The running session, for callers that wait for the connection. */
  get currentSession(): Session | undefined {
    return this.session;
  }

  /** The log layout's writer, when the agent writes one (tests wait on it). */
  get currentPodLogs(): PodLogManager | undefined {
    return this.podLogs;
  }

  /** The running worker (tests and the embedded agent look at it). */
  get currentWorker(): Worker | undefined {
    return this.worker;
  }

  /** Joins if needed, adopts running containers, and starts the session in the background. */
  async start(): Promise<void> {
    const credential = await this.credentials.get();
    const worker = this.makeWorker(credential);
    const reporter = this.reporter!;
    // Pulls through the same (measured) runtime as the pods' pulls.
    const prePuller = new PrePuller({
      runtime: measuredRuntime(this.deps.runtime, this.metrics, credential.nodeName, this.deps.clock),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ node: credential.nodeName }),
      send: (m) => this.session?.send(m) ?? false,
      credentials: (want) =>
        pullCredentialsFor(want.image, want.pullSecrets ?? [], (ns, name) =>
          worker.configSet.secret(ns, name),
        ),
    });
    this.prePuller = prePuller;
    const session = new Session({
      sessions: this.tlsSessions,
      clock: this.deps.clock,
      logger: this.deps.logger,
      worker,
      reporter,
      logs: new LogStreamer({
        runtime: this.deps.runtime,
        nodeName: credential.nodeName,
        clock: this.deps.clock,
        logger: this.deps.logger,
        send: (m) => this.session?.send(m) ?? false,
      }),
      ...(this.deps.streams
        ? {
            streams: new StreamServer({
              runtime: this.deps.runtime,
              streams: this.deps.streams,
              nodeName: credential.nodeName,
              logger: this.deps.logger,
              send: (m) => this.session?.send(m) ?? false,
            }),
          }
        : {}),
      nodeReport: () => this.nodeReport(),
      credentials: this.credentials,
      leaving: () => this.leaving,
      metrics: this.metrics,
      ...(this.deps.streams ? { usage: this.usageSampler(credential.nodeName, this.deps.streams) } : {}),
      prePull: prePuller,
      ...(this.deps.random ? { random: this.deps.random } : {}),
    });
    this.session = session;
    this.bridgeGateway = await this.deps.runtime.bridgeGateway?.();
    await worker.start();
    session.start();
    this.volumes = new VolumeMonitor({
      pods: worker,
      runtime: this.deps.runtime,
      nodeName: credential.nodeName,
      dataDir: this.config.dataDir,
      clock: this.deps.clock,
      logger: this.deps.logger.child({ node: credential.nodeName }),
    });
    this.volumes.start();
    if (this.config.podLogs) {
      this.podLogs = new PodLogManager({
        runtime: this.deps.runtime,
        nodeName: credential.nodeName,
        root: this.config.podLogs.root,
        policy: this.config.podLogs.policy,
        clock: this.deps.clock,
        logger: this.deps.logger.child({ node: credential.nodeName, component: "pod-logs" }),
        ...(this.deps.random ? { random: this.deps.random } : {}),
      });
      this.podLogs.start();
    }
  }

  /** Stops; with `leave`, also removes this node's containers, the node and the credential. */
  async stop(opts: { leave: boolean }): Promise<void> {
    this.leaving = opts.leave;
    this.abort.abort();
    this.prePuller?.stop();
    this.reporter?.flush();
    await this.podLogs?.stop();
    await this.volumes?.stop();
    await this.session?.stop(opts.leave ? "leaving the cluster" : "agent stopping");
    if (!opts.leave) {
      await this.worker?.stop();
      this.deps.logger.info("agent stopped; containers keep running");
      return;
    }
    const credential = this.credentials.current() ?? (await loadCredential(this.config.dataDir));
    const nodeName = credential?.nodeName ?? this.config.nodeName ?? defaultNodeName();
    const worker = this.worker ?? this.makeWorker({ nodeName, server: "", caPem: "", token: "" });
    this.deps.logger.info("leaving: removing this node's containers", { node: nodeName });
    await worker.removeAll();
    await worker.stop();
    if (credential) await this.deleteNode(credential);
    await deleteCredential(this.config.dataDir);
    this.deps.logger.info("left the cluster", { node: nodeName });
  }

  private makeWorker(credential: NodeCredential): Worker {
    const reporter = new StatusReporter({
      clock: this.deps.clock,
      send: (m) => this.session?.send(m) ?? false,
    });
    this.reporter = reporter;
    this.worker = new Worker({
      nodeName: credential.nodeName,
      dataDir: this.config.dataDir,
      hostIP: this.hostIP,
      runtime: measuredRuntime(this.deps.runtime, this.metrics, credential.nodeName, this.deps.clock),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ node: credential.nodeName }),
      ...(this.config.pauseImage ? { pauseImage: { ref: this.config.pauseImage } } : {}),
      ...(this.config.seccompRoot ? { seccompRoot: this.config.seccompRoot } : {}),
      onStatus: (r) => {
        this.metrics.podStatus(r);
        reporter.report(r);
      },
      onForget: (uid) => {
        this.metrics.forget(uid);
        reporter.forget(uid);
      },
      ...(this.config.resyncMs ? { resyncMs: this.config.resyncMs } : {}),
      apiEndpoints: () =>
        podApiEndpoints((this.credentials.current() ?? credential).server, this.bridgeGateway),
      serviceAccountTokens: {
        fetch: podTokenFetcher(() => this.credentials.current() ?? credential),
        caPem: () => (this.credentials.current() ?? credential).caPem,
      },
    });
    return this.worker;
  }

  private usageSampler(nodeName: string, streams: StreamRuntime): UsageSampler {
    return new UsageSampler({
      nodeName,
      runtime: this.deps.runtime,
      usage: (id) => streams.usage(id),
      host: () => readHostUsage(),
      clock: this.deps.clock,
      logger: this.deps.logger.child({ node: nodeName }),
    });
  }

  private registerRequest(): RegisterRequest {
    const nodeName = this.config.nodeName ?? this.credentials.current()?.nodeName ?? defaultNodeName();
    return {
      nodeName,
      labels: { ...wellKnownLabels(nodeName), ...this.config.labels },
      taints: this.config.taints ?? [],
    };
  }

  private async nodeReport(): Promise<NodeReport> {
    if (!this.engineVersion) {
      try {
        this.engineVersion = await this.deps.runtime.version();
      } catch {
        return collectNodeReport({ nodeIP: this.hostIP, engineVersion: "unknown" });
      }
    }
    return collectNodeReport({ nodeIP: this.hostIP, engineVersion: this.engineVersion });
  }

  private async deleteNode(c: NodeCredential): Promise<void> {
    try {
      const res = await httpsRequest({
        method: "DELETE",
        url: new URL(`/api/v1/nodes/${encodeURIComponent(c.nodeName)}`, c.server).toString(),
        ca: c.caPem,
        bearer: c.token,
      });
      if (res.status >= 300 && res.status !== 404) {
        this.deps.logger.warn("the server did not delete the node", {
          status: res.status,
          message: statusMessage(res),
        });
      }
    } catch (e) {
      this.deps.logger.warn("cannot delete the node on the server", { error: e });
    }
  }
}
