// Carries out one pod's planned actions against the runtime, one after another, and keeps
// the back-off bookkeeping the planner reads next time (pull failures, crash streaks).

import { promises as fs } from "node:fs";
import path from "node:path";
import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { containerKey, type ContainerAction, type RestartState } from "./container-plan.js";
import { buildCreateSpec } from "./container-spec.js";
import type { PullErrorFact } from "./pod-status.js";

export interface ExecutorContext {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  dataDir: string;
  hostIP: string;
  state: RestartState;
  /** Errors that keep a container from being created, shown as its waiting reason. */
  pullErrors: Record<string, PullErrorFact>;
  /** Pull failures not reported yet: shown once as ErrImagePull before ImagePullBackOff. */
  freshPullFailures: Set<string>;
  /** Why a container was killed for a failed probe, by container id: its terminated message. */
  probeKills: Record<string, string>;
  pod(uid: string): Pod | undefined;
}

/** Stop a running container whose liveness or startup probe failed; it restarts as after a crash. */
export interface KillAction {
  type: "kill";
  podUid: string;
  container: string;
  containerId: string;
  graceSeconds: number;
  message: string;
}

/** What the executor carries out: the planner's actions and the probes' kills. */
export type PodAction = ContainerAction | KillAction;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function pull(a: Extract<ContainerAction, { type: "pull" }>, ctx: ExecutorContext): Promise<boolean> {
  const key = containerKey(a.podUid, a.container);
  try {
    if (a.image === "") throw new EverynodeError("RuntimeError", "the container has no image");
    await ctx.runtime.ensureImage(a.image, a.policy);
    delete ctx.pullErrors[key];
    delete ctx.state.pull[key];
    return true;
  } catch (e) {
    const message = messageOf(e);
    if (a.policy === "Never") {
      // Kubernetes does not back off here: the image may appear any time.
      ctx.pullErrors[key] = { reason: "ErrImageNeverPull", message };
    } else {
      ctx.pullErrors[key] = { reason: "ErrImagePull", message };
      const step = (ctx.state.pull[key]?.step ?? 0) + 1;
      ctx.state.pull[key] = { step, failedAt: ctx.clock.now(), message };
      ctx.freshPullFailures.add(key);
    }
    ctx.logger.warn("image pull failed", {
      pod: a.podUid,
      container: a.container,
      image: a.image,
      error: message,
    });
    return false;
  }
}

async function create(
  a: Extract<ContainerAction, { type: "create" | "restart" }>,
  pod: Pod,
  ctx: ExecutorContext,
): Promise<void> {
  const key = containerKey(a.podUid, a.container);
  const spec = pod.spec.containers.find((c) => c.name === a.container);
  if (!spec) return;
  const log = ctx.logger.child({
    pod: `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`,
    container: a.container,
  });
  let id: string;
  try {
    const createSpec = buildCreateSpec(pod, spec, {
      nodeName: ctx.nodeName,
      hostIP: ctx.hostIP,
      // The bridge IP is only known once the container runs; the node's IP stands in.
      podIP: ctx.hostIP,
      dataDir: ctx.dataDir,
      restartCount: a.restartCount,
    });
    id = await ctx.runtime.createContainer(createSpec);
  } catch (e) {
    const reason =
      e instanceof EverynodeError && e.temporary ? "CreateContainerError" : "CreateContainerConfigError";
    ctx.pullErrors[key] = { reason, message: messageOf(e) };
    log.warn("container could not be created", { error: messageOf(e) });
    return;
  }
  delete ctx.pullErrors[key];
  if (a.type === "restart") ctx.state.crash[key] = { step: a.step };
  try {
    await ctx.runtime.start(id);
    log.info(a.type === "restart" ? "container restarted" : "container started", {
      id: id.slice(0, 12),
      restartCount: a.restartCount,
    });
  } catch (e) {
    // The container stays behind as "created" with the engine's error: the planner treats
    // it as a crash, so the back-off applies instead of a hot loop.
    log.warn("container could not be started", { id: id.slice(0, 12), error: messageOf(e) });
  }
}

/** Runs one pod's actions in order; a failed pull skips that container's create. */
export async function runPodActions(actions: PodAction[], ctx: ExecutorContext): Promise<void> {
  const pulledFailed = new Set<string>();
  let removedOrphan: string | undefined;
  for (const a of actions) {
    try {
      switch (a.type) {
        case "wait":
          break;
        case "remove":
          await ctx.runtime.stop(a.containerId, a.graceSeconds);
          await ctx.runtime.remove(a.containerId);
          ctx.logger.info("container stopped", {
            id: a.containerId.slice(0, 12),
            reason: a.reason,
            pod: a.podUid,
          });
          if (a.reason === "orphan" || a.reason === "terminating") removedOrphan = a.podUid;
          break;
        case "pull":
          if (!(await pull(a, ctx))) pulledFailed.add(a.container);
          break;
        case "create":
        case "restart": {
          const pod = ctx.pod(a.podUid);
          if (pod && !pulledFailed.has(a.container)) await create(a, pod, ctx);
          break;
        }
        case "kill":
          // Recorded first, so that the exit the engine reports already carries the reason.
          ctx.probeKills[a.containerId] = a.message;
          await ctx.runtime.stop(a.containerId, a.graceSeconds);
          ctx.logger.info("container failed its probe; restarting it", {
            id: a.containerId.slice(0, 12),
            pod: a.podUid,
            container: a.container,
            message: a.message,
          });
          break;
        case "start":
          await ctx.runtime.start(a.containerId);
          ctx.logger.info("container started", { id: a.containerId.slice(0, 12), pod: a.podUid });
          break;
      }
    } catch (e) {
      ctx.logger.warn("container operation failed", { action: a.type, pod: a.podUid, error: messageOf(e) });
    }
  }
  // A pod that left the node leaves no emptyDir folders behind.
  if (removedOrphan && !ctx.pod(removedOrphan)) {
    await fs
      .rm(path.join(ctx.dataDir, "pods", removedOrphan), { recursive: true, force: true })
      .catch(() => {});
    for (const k of Object.keys(ctx.state.crash))
      if (k.startsWith(`${removedOrphan}/`)) delete ctx.state.crash[k];
    for (const k of Object.keys(ctx.state.pull))
      if (k.startsWith(`${removedOrphan}/`)) delete ctx.state.pull[k];
  }
}
