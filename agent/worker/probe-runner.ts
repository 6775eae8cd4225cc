// Runs one probe once, bounded by its timeout: an HTTP GET, a TCP connect, or a command in
// the container. Results are worded like the kubelet's so that events read the same.

import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { ContainerPort } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import type { ProbeOutcome, ProbeSpec } from "./probe-plan.js";

/** The kubelet's User-Agent, which some applications special-case. */
export const PROBE_USER_AGENT = "kube-probe/1.32";

/** Where a probe goes: the running container and the address of its pod. */
export interface ProbeTarget {
  containerId: string;
  /** The bridge IP of the container, or the node's IP with hostNetwork. */
  podIP: string;
  ports: ContainerPort[];
}

export interface ProbeResult {
  outcome: ProbeOutcome;
  message: string;
}

export interface ProbeRunnerDeps {
  runtime: ContainerRuntime;
  clock: Clock;
}

class Timeout extends Error {}

/** A number, a quoted number, or the name of one of the container's ports. */
export function resolvePort(port: number | string, ports: ContainerPort[]): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  return ports.find((p) => p.name === port)?.containerPort;
}

function httpGet(spec: NonNullable<ProbeSpec["httpGet"]>, host: string, port: number, signal: AbortSignal) {
  const scheme = (spec.scheme ?? "HTTP").toUpperCase() === "HTTPS" ? "https" : "http";
  const rawPath = spec.path ?? "/";
  const path = rawPath.startsWith("/") ? rawPath : `/${rawPath}`;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const url = `${scheme}://${hostPart}:${port}${path}`;
  const headers: Record<string, string> = { "User-Agent": PROBE_USER_AGENT, Accept: "*/*" };
  for (const h of spec.httpHeaders ?? []) if (h.name) headers[h.name] = h.value;
  return new Promise<ProbeResult>((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(
        code >= 200 && code < 400
          ? { outcome: "success", message: "" }
          : { outcome: "failure", message: `HTTP probe failed with statuscode: ${code}` },
      );
    };
    // Probes do not check certificates, as the kubelet does not.
    const req =
      scheme === "https"
        ? https.get(url, { headers, signal, rejectUnauthorized: false, agent: false }, onResponse)
        : http.get(url, { headers, signal, agent: false }, onResponse);
    req.on("error", (e) => {
      if (signal.aborted) reject(new Timeout(`Get "${url}": context deadline exceeded`));
      else resolve({ outcome: "failure", message: `Get "${url}": ${e.message}` });
    });
  });
}

function tcpConnect(host: string, port: number, signal: AbortSignal): Promise<ProbeResult> {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return new Promise<ProbeResult>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const onAbort = (): void => {
      socket.destroy();
      reject(new Timeout(`dial tcp ${where}: i/o timeout`));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve({ outcome: "success", message: "" });
    });
    socket.once("error", (e) => {
      signal.removeEventListener("abort", onAbort);
      resolve({ outcome: "failure", message: `dial tcp ${where}: ${e.message}` });
    });
  });
}

async function execIn(
  spec: NonNullable<ProbeSpec["exec"]>,
  target: ProbeTarget,
  deps: ProbeRunnerDeps,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const command = spec.command ?? [];
  const shown = command.join(" ");
  if (!deps.runtime.exec) return { outcome: "unknown", message: "the runtime cannot run commands" };
  const r = await deps.runtime.exec(target.containerId, command, signal);
  if (signal.aborted) throw new Timeout(`command "${shown}" timed out`);
  if (r.exitCode === 0) return { outcome: "success", message: "" };
  const output = r.output.trim();
  return { outcome: "failure", message: output || `command "${shown}" exited with code ${r.exitCode}` };
}

/** Runs the probe once; never throws (errors come back as failures or Unknown). */
export async function runProbe(
  spec: ProbeSpec,
  target: ProbeTarget,
  deps: ProbeRunnerDeps,
): Promise<ProbeResult> {
  const abort = new AbortController();
  const timer = new AbortController();
  const run = async (): Promise<ProbeResult> => {
    if (spec.exec) return execIn(spec.exec, target, deps, abort.signal);
    const handler = spec.httpGet ?? spec.tcpSocket;
    if (handler) {
      const port = resolvePort(handler.port, target.ports);
      if (port === undefined) return { outcome: "unknown", message: `unknown port ${String(handler.port)}` };
      const host = handler.host || target.podIP;
      return spec.httpGet
        ? httpGet(spec.httpGet, host, port, abort.signal)
        : tcpConnect(host, port, abort.signal);
    }
    if (spec.grpc) return { outcome: "unknown", message: "gRPC probes are not supported by everynode" };
    return { outcome: "unknown", message: "the probe has no handler" };
  };
  const timeout = deps.clock.sleep(spec.timeoutSeconds * 1000, timer.signal).then(
    () => {
      abort.abort();
      return undefined;
    },
    () => undefined,
  );
  const op = run();
  op.catch(() => {}); // a probe that lost the race may still reject later
  try {
    const first = await Promise.race([op, timeout]);
    return first ?? timedOut(spec, target);
  } catch (e) {
    if (e instanceof Timeout) return { outcome: "failure", message: e.message };
    return { outcome: "unknown", message: e instanceof Error ? e.message : String(e) };
  } finally {
    timer.abort();
  }
}

function timedOut(spec: ProbeSpec, target: ProbeTarget): ProbeResult {
  if (spec.exec) {
    return { outcome: "failure", message: `command "${(spec.exec.command ?? []).join(" ")}" timed out` };
  }
  const handler = spec.httpGet ?? spec.tcpSocket;
  const host = handler?.host || target.podIP;
  const where = `${host.includes(":") ? `[${host}]` : host}:${String(handler?.port ?? "")}`;
  if (spec.httpGet) {
    const scheme = (spec.httpGet.scheme ?? "HTTP").toLowerCase();
    const message = `Get "${scheme}://${where}${spec.httpGet.path ?? "/"}": context deadline exceeded`;
    return { outcome: "failure", message };
  }
  return { outcome: "failure", message: `dial tcp ${where}: i/o timeout` };
}
