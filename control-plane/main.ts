// The control plane's composition root: `everynode server`. Opens the store, makes the PKI
// and tokens on first start, wires the API, the controllers and the agent endpoints, serves
// HTTPS, and runs an agent for this host unless told not to.

import { SliceScheduler, TURN_MS } from "./slices.js";
import { mkdirSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { systemClock } from "../shared/clock.js";
import { EverynodeError, isEverynodeError } from "../shared/errors.js";
import { flagHelp } from "../shared/flags.js";
import { createLogger } from "../shared/logger.js";
import type { Logger } from "../shared/logger.js";
import { AgentCapabilities } from "./agents/agent-capabilities.js";
import { startAgentEndpoints, type CloseOptions } from "./agents/index.js";
import { PrePullBoard } from "./agents/pre-pull-board.js";
import type { PodLogStreamer } from "./api/pod-log-streamer.js";
import { createPodTokenRouter } from "./agents/pod-token-router.js";
import { createAgentRouter } from "./agents/registration-router.js";
import { buildApiApp } from "./api/app.js";
import { ensurePki } from "./auth/pki.js";
import { createTokenRouter } from "./auth/token-routes.js";
import { TokenService } from "./auth/tokens.js";
import { parseServerArgs, SERVER_FLAGS } from "./config.js";
import { applyConnectionLimits, serverTimeoutOptions } from "./connection-limits.js";
import { trackOpenSockets } from "./open-sockets.js";
import type { ServerConfig } from "./config.js";
import { DaemonSetController } from "./controller/daemonset-controller.js";
import { Deleter } from "./deletion/deleter.js";
import { NamespaceCleaner } from "./deletion/namespace-cleaner.js";
import { ControlPlaneMetrics } from "./metrics/control-plane-metrics.js";
import { metricsApiRouter } from "./metrics/metrics-api-router.js";
import { metricsRoute } from "./metrics/metrics-route.js";
import { UsageBoard } from "./metrics/usage-board.js";
import { startEventCollection } from "./events/collection-timer.js";
import { EventRecorder } from "./events/event-recorder.js";
import { HeartbeatPace } from "./nodes/heartbeat-pace.js";
import { createLeaseRouter } from "./nodes/lease-router.js";
import { NodeLifecycle } from "./nodes/node-lifecycle.js";
import { TerminatingPodsGc } from "./nodes/terminating-pods.js";
import { ensureServerFiles } from "./server-files.js";
import { applyHeapPolicy, HeapReducer } from "./heap-policy.js";
import { ensureEncryptionKeys } from "./encryption-keys.js";
import { firstOf } from "./auth/principal.js";
import { storeRbac } from "./auth/rbac.js";
import { ServiceAccountTokens } from "./auth/service-account-tokens.js";
import { ensureSigningKey } from "./auth/signing-key.js";
import { ServiceAccountController } from "./controller/service-accounts.js";
import type { ServiceAccount } from "../shared/config-types.js";
import { openStore } from "./store/index.js";
import { localAgentJoinToken } from "./server-files.js";
import { serverNextSteps } from "./next-steps.js";
import { createDashboardRouter } from "./ui/dashboard-router.js";
import type { StreamRelay } from "./agents/stream-relay.js";
import { streamUpgradeHandler } from "./streams/stream-socket-server.js";

const USAGE = `Usage: everynode server [flags]

Runs the control plane (HTTPS API, embedded SQLite store, controllers) and, unless
--no-agent is given, an agent for this host.

Flags:
${flagHelp(SERVER_FLAGS)}
`;

export interface RunningServer {
  url: string;
  /** The port the API listens on (the one --listen picked when it said 0). */
  port: number;
  /** Stops everything; with `processExits`, leaves open sockets to the exit that follows. */
  stop(options?: CloseOptions): Promise<void>;
}

/** How long a TLS session ticket the server issues can be resumed. */
const TLS_SESSION_SECONDS = 24 * 3600;

/** Starts everything; resolves once the API listens (and the local agent was started). */
export async function startServer(config: ServerConfig, logger: Logger): Promise<RunningServer> {
  const clock = systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  logger.info("using data dir", { dir: config.dataDir });

  const metrics = new ControlPlaneMetrics();
  const usage = new UsageBoard();
  const encryption = ensureEncryptionKeys(config.dataDir, clock);
  const store = openStore({
    path: path.join(config.dataDir, "everynode.db"),
    clock,
    encryption: encryption.ring,
    onWrite: metrics.storeWrite,
    onCheckpointFailure: (reason) => logger.warn("WAL checkpoints are back inside commits", { reason }),
  });
  // Bridged pods of this host's agent reach the API at the Docker bridge's gateway, an address
  // the host has only while a bridged container runs (so not always in its interfaces).
  // The agent's code (the Docker client and its SSH transport's 16 MiB of WebAssembly memory)
  // is loaded only by a server that runs one.
  const hostAgent = config.runAgent ? await import("./local-agent.js") : undefined;
  const gateway = hostAgent ? await hostAgent.localBridgeGateway(config) : undefined;
  const pki = await ensurePki(config.dataDir, {
    sans: [...config.tlsSans, ...(gateway ? [gateway] : [])],
    clock,
  });
  const tokens = new TokenService({ store, clock });
  const serviceAccountTokens = new ServiceAccountTokens({
    store,
    clock,
    signingKey: ensureSigningKey(config.dataDir),
  });
  const rbac = storeRbac(store);
  const serviceAccounts = new ServiceAccountController({
    store,
    logger: logger.child({ component: "service-accounts" }),
    tokens: serviceAccountTokens,
    caPem: pki.caCertPem,
  });
  const events = new EventRecorder({ store, clock, ttlMs: config.eventTtlMs });
  // One budget per event-loop turn for everything done in slices (control-plane/slices.ts).
  const slices = new SliceScheduler(TURN_MS, (task, err) =>
    logger.error("sliced work failed", { task, err }),
  );
  // One deleter for the API, the controllers and the agents' gone reports; it deletes pods
  // gracefully on the nodes whose agents announced they report them gone.
  const capabilities = new AgentCapabilities();
  const deleter = new Deleter({ store, clock, events, agents: capabilities });
  // The controller's image pre-pull wants, which the dispatcher sends to the agents.
  const prePull = new PrePullBoard(capabilities, (ns, name) =>
    store.get<ServiceAccount>("serviceaccounts", ns, name),
  );
  // Agents' heartbeat interval and the grace period, both longer for a fleet past the cap.
  const pace = new HeartbeatPace({
    intervalSeconds: config.heartbeatIntervalSeconds,
    maxPerSecond: config.maxHeartbeatsPerSecond,
    gracePeriodMs: config.nodeMonitorGracePeriodMs,
  });
  const lifecycle = new NodeLifecycle({
    store,
    clock,
    logger: logger.child({ component: "node-lifecycle" }),
    events,
    gracePeriodMs: () => pace.gracePeriodMs(),
    startupGracePeriodMs: config.nodeStartupGracePeriodMs,
    slices,
  });
  const controller = new DaemonSetController({
    store,
    clock,
    logger: logger.child({ component: "daemonset-controller" }),
    events,
    deleter,
    resyncIntervalMs: config.resyncIntervalMs,
    onPass: metrics.controllerPass,
    prePull,
    slices,
    // The endpoints are made below; the controller starts after them.
    holdPlansWhile: () => endpoints.assignmentsWaiting() || endpoints.statusesWaiting(),
  });
  const namespaceCleaner = new NamespaceCleaner({ store, deleter, slices, clock, logger });
  const terminatingPods = new TerminatingPodsGc({
    store,
    clock,
    logger,
    deleter,
    nodeMonitorGraceMs: config.nodeMonitorGracePeriodMs,
  });

  // The log relay needs the HTTPS server, which needs the app: a forwarder breaks the cycle.
  const relay: { current?: PodLogStreamer } = {};
  const logs: PodLogStreamer = {
    stream: (pod, options, sink, signal) => {
      if (!relay.current) throw new EverynodeError("ServiceUnavailable", "the server is still starting");
      return relay.current.stream(pod, options, sink, signal);
    },
  };
  // Made before the router so that it knows which registrations are the server's own agent's.
  const localAgent = config.runAgent ? localAgentJoinToken(tokens, pki.caHash) : undefined;
  const agentRouter = createAgentRouter({
    mayLabelAsAdmin: (joinTokenId) => joinTokenId === localAgent?.id,
    clusterCidr: config.clusterCidr,
    tokens,
    store,
    clock,
    logger: logger.child({ component: "registration" }),
    pki,
    events,
  });
  const app = buildApiApp({
    store,
    clock,
    logger: logger.child({ component: "api" }),
    events,
    deleter,
    authenticator: firstOf(tokens, serviceAccountTokens),
    serviceAccountTokens,
    logs,
    requestObserver: metrics.api,
    rbac,
    authenticatedRoutes: [metricsRoute(metrics, rbac), metricsApiRouter({ store, usage, clock, rbac })],
    routers: [
      agentRouter,
      createPodTokenRouter({
        tokens,
        serviceAccountTokens,
        store,
        logger: logger.child({ component: "pod-tokens" }),
      }),
      createLeaseRouter({
        store,
        authenticator: tokens,
        leases: lifecycle,
        leaseDurationSeconds: () => Math.round(pace.gracePeriodMs() / 1000),
      }),
      createTokenRouter({
        tokens,
        authenticator: tokens,
        pki,
        clock,
        logger: logger.child({ component: "tokens" }),
      }),
      createDashboardRouter({
        store,
        clock,
        logger: logger.child({ component: "ui" }),
        authenticator: tokens,
      }),
    ],
  });
  const server = https.createServer(
    {
      // The CA follows the serving certificate, so that a joining agent finds the CA its token
      // pins in the handshake and registers on that one connection (agent/session/join.ts).
      cert: `${pki.certPem.trimEnd()}\n${pki.caCertPem}`,
      key: pki.keyPem,
      // Agents resume their last TLS session when they reconnect (agent/session/tls-sessions.ts):
      // its ticket, sealed with a key this process made, is good for a day rather than 5 minutes,
      // so that an agent whose connection lasted hours still resumes.
      sessionTimeout: TLS_SESSION_SECONDS,
      ...serverTimeoutOptions(config.connectionLimits),
    },
    app,
  );
  applyConnectionLimits(server, config.connectionLimits, logger.child({ component: "connections" }));
  const sockets = trackOpenSockets(server);
  // kubectl exec/attach/port-forward: upgrades of other paths than the agents', relayed by
  // the agent endpoints' stream relay (made below, hence the late binding).
  const streamRelay: { current?: StreamRelay } = {};
  const streamUpgrades = streamUpgradeHandler({
    authenticator: tokens,
    store,
    logger,
    relay: () => {
      if (!streamRelay.current)
        throw new EverynodeError("ServiceUnavailable", "the server is still starting");
      return streamRelay.current;
    },
  });
  const endpoints = startAgentEndpoints({
    otherUpgrade: streamUpgrades,
    passWriting: () => controller.isWriting(),
    passPlanning: () => controller.isPlanning(),
    server,
    store,
    clock,
    logger: logger.child({ component: "agents" }),
    tokens,
    liveness: lifecycle,
    events,
    capabilities,
    deleter,
    prePull,
    pace,
    onDispatch: metrics.dispatched,
    agentMetrics: { sink: metrics.agents, intervalSeconds: config.agentMetricsIntervalSeconds },
    usage: { sink: usage, intervalSeconds: config.metricsResolutionSeconds },
    slices,
  });
  relay.current = endpoints.logs;
  streamRelay.current = endpoints.streams;
  metrics.attach({ store, sessions: endpoints.sessions });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listenPort, config.listenHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const files = await ensureServerFiles({ config, port, pki, tokens });
  const url = files.serverUrl;

  lifecycle.start();
  controller.start();
  serviceAccounts.start();
  terminatingPods.start();
  namespaceCleaner.start();
  const stopEventGc = startEventCollection({ store, events, slices, clock });
  logger.info("everynode server is ready", {
    url,
    kubeconfig: files.kubeconfigPath,
    joinToken: files.joinTokenPath,
    metricsToken: files.metricsTokenPath,
  });

  const agent = hostAgent
    ? await hostAgent.startLocalAgent({
        config,
        serverUrl: files.localUrl,
        joinToken: localAgent?.token ?? files.joinToken,
        logger,
      })
    : undefined;

  let stopped = false;
  return {
    url,
    port,
    stop: async (options = {}) => {
      if (stopped) return;
      stopped = true;
      const startedAt = clock.now();
      logger.info("stopping");
      // No new connections from here on: agents that lose their socket retry elsewhere or later.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await agent
        ?.stop({ leave: false })
        .catch((e: unknown) => logger.warn("agent stop failed", { error: e }));
      stopEventGc();
      await controller.stop();
      serviceAccounts.stop();
      terminatingPods.stop();
      namespaceCleaner.stop();
      lifecycle.stop();
      // Closes the agents' sockets and writes what the agents last reported, in one flush.
      await endpoints.close(options);
      // API clients (watches, kept-alive connections) and handshakes still under way; an exit
      // that follows closes them all at once.
      if (!options.processExits) {
        server.closeAllConnections();
        sockets.destroyAll();
        await closed;
      }
      slices.close();
      store.close();
      logger.info("stopped", { ms: clock.now() - startedAt });
    },
  };
}

export async function runServer(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseServerArgs>;
  try {
    parsed = parseServerArgs(args);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  applyHeapPolicy();
  const logger = createLogger({
    level: parsed.config.logLevel,
    format: parsed.config.logFormat,
    component: "server",
  });
  let running: RunningServer;
  try {
    running = await startServer(parsed.config, logger);
  } catch (e) {
    const message = isEverynodeError(e) || e instanceof Error ? e.message : String(e);
    logger.error("the server could not start", { error: message });
    return 1;
  }
  const heapReducer = new HeapReducer({ clock: systemClock });
  // For people at a terminal; a json log stays all JSON (the ready line names the same files).
  if (parsed.config.logFormat === "text") process.stderr.write(serverNextSteps(parsed.config, running.port));
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      logger.info("signal received", { signal });
      resolve();
    };
    process.once("SIGTERM", () => onSignal("SIGTERM"));
    process.once("SIGINT", () => onSignal("SIGINT"));
  });
  heapReducer.stop();
  await running.stop({ processExits: true });
  // stop() told every agent 1001 and closed the store. Exit at once: the kernel closes the
  // sockets left open, where Node would free every socket's TLS state and the heap one by one
  // (with 10,000 agents connected, 0.5-1 s after "stopped"). The log lines are written
  // (stderr is synchronous for files, pipes and terminals).
  process.exit(0);
}
