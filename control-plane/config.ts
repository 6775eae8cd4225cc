// The server's command line: flags, defaults and the resolved configuration.

import os from "node:os";
import path from "node:path";
import { parseDuration } from "../shared/duration.js";
import { EverynodeError } from "../shared/errors.js";
import type { FlagSpec } from "../shared/flags.js";
import { parseFlags } from "../shared/flags.js";
import { LOG_FORMATS, type LogFormat, type LogLevel } from "../shared/logger.js";
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from "./connection-limits.js";
import { parseClusterCidr, type ClusterCidr } from "./nodes/pod-cidrs.js";

export interface ServerConfig {
  dataDir: string;
  listenHost: string;
  listenPort: number;
  tlsSans: string[];
  /** The URL written into the kubeconfig, when users reach the API at another address (a published port). */
  externalUrl: string | undefined;
  runAgent: boolean;
  nodeName: string;
  nodeLabels: string[];
  nodeTaints: string[];
  nodeIp: string | undefined;
  dockerHost: string | undefined;
  /** Where this host's agent writes the kubelet's log layout ("" for none). */
  podLogDir: string;
  /** The range nodes' podCIDRs are allocated from (--cluster-cidr); none when unset. */
  clusterCidr: ClusterCidr | undefined;
  nodeMonitorGracePeriodMs: number;
  nodeStartupGracePeriodMs: number;
  heartbeatIntervalSeconds: number;
  /** The fleet's heartbeats per second at most (0: no cap). */
  maxHeartbeatsPerSecond: number;
  /** How often agents send their metrics summary. */
  agentMetricsIntervalSeconds: number;
  /** How often agents sample usage for kubectl top (the window of its CPU rate). */
  metricsResolutionSeconds: number;
  eventTtlMs: number;
  resyncIntervalMs: number;
  /** The HTTPS server's deadlines and per-address connection cap (connection-limits.ts). */
  connectionLimits: ConnectionLimits;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

const seconds = (ms: number): string => `${ms / 1000}s`;

export const SERVER_FLAGS: FlagSpec[] = [
  {
    name: "data-dir",
    type: "string",
    description: "where the database, certificates, tokens and kubeconfig live",
  },
  {
    name: "listen",
    type: "string",
    default: "0.0.0.0:6443",
    description: "HOST:PORT of the HTTPS API (port 0 picks a free one)",
  },
  { name: "tls-san", type: "list", description: "an extra name or IP for the serving certificate" },
  {
    name: "external-url",
    type: "string",
    description: "the API's URL as users reach it, for the kubeconfig (default https://127.0.0.1:PORT)",
  },
  {
    name: "agent",
    type: "boolean",
    default: true,
    description: "run an agent for this host too (--no-agent turns it off)",
  },
  { name: "node-name", type: "string", description: "the name of this host's node (default: the host name)" },
  { name: "node-label", type: "list", description: "a label k=v for this host's node" },
  { name: "node-taint", type: "list", description: "a taint k=v:Effect for this host's node" },
  { name: "node-ip", type: "string", description: "the address this host's node reports" },
  {
    name: "pod-log-dir",
    type: "string",
    description:
      "where this host's agent writes pods' logs as the kubelet lays them out; \"\" for none (default: $EVERYNODE_POD_LOG_DIR or /var/log)",
  },
  {
    name: "docker-host",
    type: "string",
    description: "the Docker daemon of this host's agent (default: DOCKER_HOST or the local socket)",
  },
  {
    name: "cluster-cidr",
    type: "string",
    description:
      "an IPv4 range (e.g. 10.244.0.0/16) from which each node gets its spec.podCIDR, for network plugins",
  },
  {
    name: "node-cidr-mask-size",
    type: "string",
    default: "24",
    description: "the prefix length of each node's podCIDR within --cluster-cidr",
  },
  {
    name: "node-monitor-grace-period",
    type: "string",
    default: "40s",
    description: "silence after which a node turns Unknown",
  },
  {
    name: "node-startup-grace-period",
    type: "string",
    default: "60s",
    description: "grace for a node that never reported",
  },
  {
    name: "heartbeat-interval",
    type: "string",
    default: "10s",
    description:
      "how often agents heartbeat (the shortest interval: a large fleet's grows, see the next flag)",
  },
  {
    name: "max-heartbeats-per-second",
    type: "string",
    default: "500",
    description:
      "the fleet's heartbeats per second at most: beyond it the interval (and the grace period) grows with the agents connected; 0 for no cap",
  },
  {
    name: "agent-metrics-interval",
    type: "string",
    default: "15s",
    description: "how often agents send the control plane their metrics summary (for /metrics)",
  },
  {
    name: "metrics-resolution",
    type: "string",
    default: "15s",
    description: "how often agents sample usage for kubectl top (the window its CPU rate is taken over)",
  },
  { name: "event-ttl", type: "string", default: "1h", description: "how long events are kept" },
  {
    name: "resync-interval",
    type: "string",
    default: "30s",
    description: "how often the controllers recompute everything",
  },
  {
    name: "header-timeout",
    type: "string",
    default: seconds(DEFAULT_CONNECTION_LIMITS.headerTimeoutMs),
    description: "time a client has for the TLS handshake, and then for its request headers",
  },
  {
    name: "request-read-timeout",
    type: "string",
    default: seconds(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
    description: "time a client has to send a whole request (responses such as watches are not limited)",
  },
  {
    name: "idle-timeout",
    type: "string",
    default: seconds(DEFAULT_CONNECTION_LIMITS.idleTimeoutMs),
    description: "how long a kept-alive connection may wait for its next request",
  },
  {
    name: "max-connections-per-ip",
    type: "string",
    default: String(DEFAULT_CONNECTION_LIMITS.maxConnectionsPerIp),
    description: "connections one client address may hold at once (0: no cap)",
  },
  { name: "log-level", type: "string", default: "info", description: "debug, info, warn or error" },
  {
    name: "log-format",
    type: "string",
    default: "text",
    description: "text (time, level, message, key=value) or json (one JSON object per line)",
  },
  { name: "help", short: "h", type: "boolean", description: "show this help" },
];

/** The per-user default data dir: /var/lib/everynode/server as root, else under ~/.local/share. */
export function defaultServerDataDir(): string {
  if (process.env.EVERYNODE_DATA_DIR) return process.env.EVERYNODE_DATA_DIR;
  if (process.getuid?.() === 0) return "/var/lib/everynode/server";
  return path.join(os.homedir(), ".local/share/everynode/server");
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new EverynodeError("Usage", `--listen must be HOST:PORT, got "${text}"`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

function duration(flag: string, value: unknown): number {
  try {
    return parseDuration(String(value));
  } catch (e) {
    throw new EverynodeError("Usage", `--${flag}: ${(e as Error).message}`);
  }
}

function connectionLimits(values: Record<string, unknown>): ConnectionLimits {
  const positive = (flag: string): number => {
    const ms = duration(flag, values[flag]);
    if (!(ms > 0)) throw new EverynodeError("Usage", `--${flag} must be longer than 0`);
    return ms;
  };
  const limits: ConnectionLimits = {
    headerTimeoutMs: positive("header-timeout"),
    requestTimeoutMs: positive("request-read-timeout"),
    idleTimeoutMs: positive("idle-timeout"),
    maxConnectionsPerIp: Number(values["max-connections-per-ip"]),
  };
  if (!Number.isInteger(limits.maxConnectionsPerIp) || limits.maxConnectionsPerIp < 0)
    throw new EverynodeError("Usage", "--max-connections-per-ip must be a whole number ≥ 0");
  // Node.js refuses a header deadline past the request's, which includes the headers.
  if (limits.headerTimeoutMs > limits.requestTimeoutMs)
    throw new EverynodeError("Usage", "--header-timeout may not be longer than --request-read-timeout");
  return limits;
}

function heartbeatsPerSecond(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new EverynodeError(
      "Usage",
      `--max-heartbeats-per-second must be a number ≥ 0, got "${String(value)}"`,
    );
  return n;
}

export function parseServerArgs(args: string[]): { config: ServerConfig; help: boolean } {
  const { values, positionals } = parseFlags(args, SERVER_FLAGS);
  if (positionals.length > 0) throw new EverynodeError("Usage", `unexpected argument "${positionals[0]}"`);
  const listen = parseListen(String(values.listen));
  const level = String(values["log-level"]);
  if (!["debug", "info", "warn", "error"].includes(level)) {
    throw new EverynodeError("Usage", `--log-level must be debug, info, warn or error`);
  }
  const format = String(values["log-format"]);
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new EverynodeError("Usage", `--log-format must be text or json, not "${format}"`);
  }
  const config: ServerConfig = {
    dataDir: path.resolve(
      typeof values["data-dir"] === "string" ? values["data-dir"] : defaultServerDataDir(),
    ),
    listenHost: listen.host,
    listenPort: listen.port,
    tlsSans: values["tls-san"] as string[],
    externalUrl: typeof values["external-url"] === "string" ? values["external-url"] : undefined,
    runAgent: values.agent !== false,
    nodeName: typeof values["node-name"] === "string" ? values["node-name"] : os.hostname().toLowerCase(),
    nodeLabels: values["node-label"] as string[],
    nodeTaints: values["node-taint"] as string[],
    nodeIp: typeof values["node-ip"] === "string" ? values["node-ip"] : undefined,
    dockerHost: typeof values["docker-host"] === "string" ? values["docker-host"] : undefined,
    podLogDir: String(values["pod-log-dir"] ?? process.env.EVERYNODE_POD_LOG_DIR ?? "/var/log"),
    clusterCidr:
      typeof values["cluster-cidr"] === "string"
        ? parseClusterCidr(values["cluster-cidr"], Number(values["node-cidr-mask-size"]))
        : undefined,
    nodeMonitorGracePeriodMs: duration("node-monitor-grace-period", values["node-monitor-grace-period"]),
    nodeStartupGracePeriodMs: duration("node-startup-grace-period", values["node-startup-grace-period"]),
    heartbeatIntervalSeconds: Math.max(
      1,
      Math.round(duration("heartbeat-interval", values["heartbeat-interval"]) / 1000),
    ),
    maxHeartbeatsPerSecond: heartbeatsPerSecond(values["max-heartbeats-per-second"]),
    agentMetricsIntervalSeconds: Math.max(
      1,
      Math.round(duration("agent-metrics-interval", values["agent-metrics-interval"]) / 1000),
    ),
    metricsResolutionSeconds: Math.max(
      1,
      Math.round(duration("metrics-resolution", values["metrics-resolution"]) / 1000),
    ),
    eventTtlMs: duration("event-ttl", values["event-ttl"]),
    resyncIntervalMs: duration("resync-interval", values["resync-interval"]),
    connectionLimits: connectionLimits(values),
    logLevel: level as LogLevel,
    logFormat: format as LogFormat,
  };
  return { config, help: values.help === true };
}
