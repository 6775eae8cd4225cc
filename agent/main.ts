// `everynode agent` and `everynode agent leave`: flags to an AgentConfig, the real Docker
// runtime and clock assembled here, and SIGTERM/SIGINT turned into a clean stop.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { TAINT_EFFECTS, type TaintEffect } from "../shared/api-types.js";
import { systemClock } from "../shared/clock.js";
import { EverynodeError } from "../shared/errors.js";
import { flagHelp, parseFlags, type FlagSpec } from "../shared/flags.js";
import { createLogger, LOG_FORMATS, type LogFormat, type Logger } from "../shared/logger.js";
import type { RegisterRequest } from "../shared/protocol.js";
import { Agent, type AgentConfig } from "./agent.js";
import { parseSize, type RotationPolicy } from "./logs/rotation.js";
import { DockerRuntime } from "./runtime/docker-runtime.js";
import { credentialPath } from "./session/credential-store.js";
import { emptyTokenError, joinTokenSource, waitForTokenFile } from "./token-file.js";

const FLAGS: FlagSpec[] = [
  { name: "server", type: "string", description: "the control plane, https://HOST:6443" },
  { name: "token", type: "string", description: "the join token (EN1.<ca-hash>.<id>.<secret>)" },
  {
    name: "token-file",
    type: "string",
    description: "a file holding the join token (e.g. the server's join-token); waits until it exists",
  },
  { name: "name", type: "string", description: "the node name (default: the host name)" },
  { name: "label", type: "list", description: "a node label k=v" },
  { name: "taint", type: "list", description: "a node taint k=v:Effect" },
  {
    name: "data-dir",
    type: "string",
    description: "where the node credential and the pods' volumes (emptyDir, configMap, secret) live",
  },
  {
    name: "docker-host",
    type: "string",
    default: "unix:///var/run/docker.sock",
    description: "the Docker engine",
  },
  {
    name: "node-ip",
    type: "string",
    description: "the node's InternalIP (default: first non-internal IPv4)",
  },
  {
    name: "log-format",
    type: "string",
    default: "text",
    description: "text (time, level, message, key=value) or json (one JSON object per line)",
  },
  {
    name: "pause-image",
    type: "string",
    description: "the image of each pod's sandbox (default: the agent's own, made without a registry)",
  },
  {
    name: "seccomp-profile-root",
    type: "string",
    default: "/var/lib/kubelet/seccomp",
    description: "where Localhost seccomp profiles (seccompProfile.localhostProfile) are read",
  },
  {
    name: "pod-log-dir",
    type: "string",
    description:
      'where pods\' logs are written as the kubelet lays them out (pods/, containers/); "" for none (default: $EVERYNODE_POD_LOG_DIR or /var/log)',
  },
  {
    name: "container-log-max-size",
    type: "string",
    default: "10Mi",
    description: "a container's log file is rotated when it would grow past this",
  },
  {
    name: "container-log-max-files",
    type: "string",
    default: "5",
    description: "the most log files kept per container, the live one included (at least 2)",
  },
  { name: "help", short: "h", type: "boolean", description: "show this help" },
];

/** --pod-log-dir and the rotation flags: the log layout's settings, or undefined for none. */
export function parsePodLogFlags(
  values: Record<string, unknown>,
): { root: string; policy: RotationPolicy } | undefined {
  const dir = String(values["pod-log-dir"] ?? process.env.EVERYNODE_POD_LOG_DIR ?? "/var/log");
  if (!dir) return undefined;
  const maxBytes = parseSize(String(values["container-log-max-size"] ?? "10Mi"));
  if (maxBytes === undefined)
    throw new EverynodeError(
      "Usage",
      `--container-log-max-size wants a size such as 10Mi, not "${String(values["container-log-max-size"])}"`,
    );
  const maxFiles = Number(values["container-log-max-files"] ?? "5");
  if (!Number.isInteger(maxFiles) || maxFiles < 2)
    throw new EverynodeError("Usage", "--container-log-max-files must be a whole number of at least 2");
  return { root: path.resolve(dir), policy: { maxBytes, maxFiles } };
}

/** --log-format's value, checked. */
export function parseLogFormat(value: unknown): LogFormat {
  const text = String(value);
  if (!(LOG_FORMATS as readonly string[]).includes(text))
    throw new EverynodeError("Usage", `--log-format must be text or json, not "${text}"`);
  return text as LogFormat;
}

/** /var/lib/everynode/agent as root, else ~/.local/share/everynode/agent. */
export function defaultDataDir(): string {
  return process.getuid?.() === 0
    ? "/var/lib/everynode/agent"
    : path.join(os.homedir(), ".local", "share", "everynode", "agent");
}

/** Parses `k=v` labels. */
export function parseLabelFlags(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new EverynodeError("Usage", `--label wants k=v, not "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Parses `k=v:Effect` (or `k:Effect`) taints. */
export function parseTaintFlags(list: string[]): RegisterRequest["taints"] {
  return list.map((item) => {
    const m = new RegExp(`^([^=:]+)(?:=([^:]*))?:(${TAINT_EFFECTS.join("|")})$`).exec(item);
    if (!m)
      throw new EverynodeError(
        "Usage",
        `--taint wants k=v:Effect (${TAINT_EFFECTS.join(", ")}), not "${item}"`,
      );
    const t: RegisterRequest["taints"][number] = { key: m[1] as string, effect: m[3] as TaintEffect };
    if (m[2] !== undefined) t.value = m[2];
    return t;
  });
}

/** Checks --server: the control plane speaks only HTTPS, so anything else is refused at once. */
export function parseServerFlag(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EverynodeError("Usage", `--server wants https://HOST:PORT, not "${text}"`);
  }
  if (url.protocol !== "https:") {
    throw new EverynodeError(
      "Usage",
      `--server ${text}: only https:// is allowed (the control plane speaks only HTTPS), e.g. https://${url.host || "HOST:6443"}`,
    );
  }
  return text;
}

/** The Docker bridge's gateway on this host, for a server's certificate (pods reach it there). */
export function dockerBridgeGateway(dockerHost?: string): Promise<string | undefined> {
  return new DockerRuntime(dockerHost ? { dockerHost } : {}).bridgeGateway();
}

/** Starts an agent inside another process (the server runs one for its own host). */
export async function startEmbeddedAgent(
  config: AgentConfig,
  logger: Logger,
  dockerHost?: string,
): Promise<Agent> {
  const runtime = new DockerRuntime(dockerHost ? { dockerHost } : {});
  const agent = new Agent(config, {
    runtime,
    streams: runtime,
    clock: systemClock,
    logger: logger.child({ component: "agent" }),
  });
  await agent.start();
  return agent;
}

/** A token file's text, or undefined while it does not exist. */
async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EverynodeError("BadToken", `cannot read --token-file ${file}: ${(e as Error).message}`);
  }
}

/**
 * The join token from --token or --token-file. A node that has joined already needs it only
 * to join again, so it neither waits for the file nor refuses an empty --token.
 */
export async function resolveJoinToken(
  values: Record<string, unknown>,
  dataDir: string,
  logger: Logger,
): Promise<string | undefined> {
  const source = joinTokenSource(
    values.token as string | undefined,
    values["token-file"] as string | undefined,
  );
  if (!source) return undefined;
  const joined = existsSync(credentialPath(dataDir));
  if ("token" in source) {
    if (source.token) return source.token;
    if (!joined) throw emptyTokenError();
    logger.warn("the join token given with --token is empty; going on with this node's stored credential");
    return undefined;
  }
  if (joined) return (await readIfPresent(source.tokenFile))?.trim() || undefined;
  return waitForTokenFile(source.tokenFile, { read: readIfPresent, clock: systemClock, logger });
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string): void => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve(sig);
    };
    const onTerm = (): void => on("SIGTERM");
    const onInt = (): void => on("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
}

/** `everynode agent ...`: returns the process exit code. */
export async function runAgent(args: string[]): Promise<number> {
  let logger = createLogger({ component: "agent" });
  const leave = args[0] === "leave";
  try {
    const { values } = parseFlags(leave ? args.slice(1) : args, FLAGS);
    logger = createLogger({ component: "agent", format: parseLogFormat(values["log-format"]) });
    if (values.help) {
      process.stdout.write(
        `Usage: everynode agent --server https://HOST:6443 --token TOKEN|--token-file FILE [flags]\n       everynode agent leave [--data-dir DIR]\n\n${flagHelp(FLAGS)}\n`,
      );
      return 0;
    }
    // Absolute, as the server's: the agent hands paths under it to the engine as bind sources,
    // and the engine takes a relative one for a volume name.
    const dataDir = path.resolve((values["data-dir"] as string | undefined) ?? defaultDataDir());
    const dockerHost = values["docker-host"] as string;
    const config: AgentConfig = {
      server: (values.server as string | undefined) ?? "",
      dataDir,
      labels: parseLabelFlags(values.label as string[]),
      taints: parseTaintFlags(values.taint as string[]),
    };
    if (values.name) config.nodeName = values.name as string;
    if (values["node-ip"]) config.nodeIP = values["node-ip"] as string;
    if (values["pause-image"]) config.pauseImage = values["pause-image"] as string;
    config.seccompRoot = values["seccomp-profile-root"] as string;
    const podLogs = parsePodLogFlags(values);
    if (podLogs) config.podLogs = podLogs;
    const runtime = new DockerRuntime({ dockerHost });
    const deps = { runtime, streams: runtime, clock: systemClock, logger };
    if (leave) {
      await new Agent(config, deps).stop({ leave: true });
      return 0;
    }
    if (!config.server) throw new EverynodeError("Usage", "--server is required (https://HOST:6443)");
    parseServerFlag(config.server);
    const token = await resolveJoinToken(values, dataDir, logger);
    if (token) config.joinToken = token;
    const agent = new Agent(config, deps);
    const signal = waitForSignal();
    const started = agent.start();
    // A stop during the join makes start() reject; that is not an error then.
    started.catch(() => {});
    const first = await Promise.race([started.then(() => "started"), signal]);
    if (first === "started") logger.info("agent running", { node: agent.nodeName });
    const sig = await signal;
    logger.info("stopping", { signal: sig });
    await agent.stop({ leave: false });
    return 0;
  } catch (e) {
    const err = e instanceof EverynodeError ? e : new EverynodeError("InternalError", (e as Error).message);
    logger.error(err.message, { code: err.code });
    return err.exitCode;
  }
}
