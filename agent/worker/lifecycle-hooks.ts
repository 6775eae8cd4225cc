// A container's postStart and preStop hooks, run as the kubelet runs them: exec (in the
// container), httpGet (to the pod), or sleep. The handlers are the probes' (probe-runner.ts),
// bounded by a timeout: for preStop, the grace period, whose rest is left for the stop.

import type { Container } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { runProbe } from "./probe-runner.js";
import type { ProbeSpec } from "./probe-plan.js";

export type HookKind = "postStart" | "preStop";

interface Handler {
  exec?: ProbeSpec["exec"];
  httpGet?: ProbeSpec["httpGet"];
  tcpSocket?: ProbeSpec["tcpSocket"];
  sleep?: { seconds: number };
}

export interface HookTarget {
  containerId: string;
  podIP: string;
  container: Container;
}

/** The container's hook of `kind`, if it has one. */
export function hookOf(container: Container, kind: HookKind): Handler | undefined {
  const lifecycle = container.lifecycle as Partial<Record<HookKind, Handler>> | undefined;
  return lifecycle?.[kind];
}

/**
 * Runs the hook, at most `timeoutSeconds`; undefined when it succeeded, else why it failed
 * (worded as the kubelet's FailedPostStartHook / FailedPreStopHook messages).
 */
export async function runHook(
  handler: Handler,
  target: HookTarget,
  timeoutSeconds: number,
  deps: { runtime: ContainerRuntime; clock: Clock },
): Promise<string | undefined> {
  if (handler.sleep) {
    await deps.clock.sleep(Math.min(handler.sleep.seconds, timeoutSeconds) * 1000);
    return undefined;
  }
  const spec: ProbeSpec = {
    initialDelaySeconds: 0,
    periodSeconds: 1,
    successThreshold: 1,
    failureThreshold: 1,
    timeoutSeconds: Math.max(1, timeoutSeconds),
  };
  if (handler.exec) spec.exec = handler.exec;
  if (handler.httpGet) spec.httpGet = handler.httpGet;
  if (handler.tcpSocket) spec.tcpSocket = handler.tcpSocket;
  const result = await runProbe(
    spec,
    { containerId: target.containerId, podIP: target.podIP, ports: target.container.ports ?? [] },
    deps,
  );
  if (result.outcome === "success") return undefined;
  return result.message || "the hook failed";
}
