// Carries out one pod's planned actions against the runtime, one after another, and says
// what happened as it happens (pulled, pull failed and why, created, ...). It keeps no
// state: the worker records each outcome into its own bookkeeping, which the planner and the
// status read next time.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import { hookOf, runHook } from "./lifecycle-hooks.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import { prepareHostPath, prepareSubPath } from "../runtime/host-paths.js";
import { giveToGroup } from "../runtime/volume-ownership.js";
import type { ConfigSet } from "./config-set.js";
import { volumeFacts, type ConfigVolumes } from "./config-volumes.js";
import { containerKey, type ContainerAction } from "./container-plan.js";
import { buildCreateSpec } from "./container-spec.js";
import { ownedMode } from "./fs-group.js";
import type { PodApiEndpoints } from "./api-endpoint.js";
import type { PodTokens } from "./pod-tokens.js";
import { buildSandboxSpec } from "./sandbox-spec.js";
import { podPullSecrets, pullCredentialsFor } from "./registry-credentials.js";
import type { PullErrorFact } from "./pod-status.js";

export interface ExecutorContext {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  dataDir: string;
  hostIP: string;
  /** Where Localhost seccomp profiles live. */
  seccompRoot: string;
  /** The sandbox image; with `rootfs`, the agent's own, imported when absent. */
  pauseImage: { ref: string; rootfs?: Buffer };
  pod(uid: string): Pod | undefined;
  /** The ConfigMaps and Secrets of the set the actions were planned from. */
  config: ConfigSet;
  /** Writes the pods' configMap, secret, downwardAPI and projected volumes. */
  volumes: Pick<ConfigVolumes, "ensure">;
  /** Where pods reach the API (KUBERNETES_SERVICE_HOST...); without it, not set. */
  apiEndpoints?: () => PodApiEndpoints | undefined;
  /** Fetches and writes the pods' ServiceAccount tokens; without it none are mounted. */
  tokens?: Pick<PodTokens, "ensure">;
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

/** What happened to a container (by containerKey), in the order it happened. */
export type ExecutorOutcome =
  | { type: "pulled"; key: string }
  /** ErrImagePull backs off; ErrImageNeverPull does not (the image may appear any time). */
  | {
      type: "pull-failed";
      key: string;
      error: PullErrorFact & { reason: "ErrImagePull" | "ErrImageNeverPull" };
    }
  /** Created (and being started); `restartStep` for a restart after a crash: its place in the streak. */
  | { type: "created"; key: string; restartStep?: number }
  | {
      type: "create-failed";
      key: string;
      error: PullErrorFact & {
        reason: "CreateContainerError" | "CreateContainerConfigError" | "FailedMount";
      };
    }
  /** An operation on the pod failed: the worker backs the pod off before trying again. */
  | { type: "op-failed"; podUid: string }
  /** The pod's sandbox runs; or could not be made, and why (the kubelet's wording). */
  | { type: "sandbox-ready"; podUid: string }
  | { type: "sandbox-failed"; podUid: string; message: string }
  /** About to stop a container for a failed probe: why, before the engine reports the exit. */
  | { type: "killing"; containerId: string; message: string }
  /** A pod that left the node is gone with its folders: forget what was kept for it. */
  | { type: "pod-removed"; podUid: string };

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function pull(
  a: Extract<ContainerAction, { type: "pull" }>,
  ctx: ExecutorContext,
): Promise<ExecutorOutcome> {
  const key = containerKey(a.podUid, a.container);
  const pod = ctx.pod(a.podUid);
  const lookup = (ns: string, name: string) => ctx.config.secret(ns, name);
  const { credentials, problems } = pullCredentialsFor(a.image, pod ? podPullSecrets(pod) : [], lookup);
  try {
    if (a.image === "") throw new EverynodeError("RuntimeError", "the container has no image");
    await ctx.runtime.ensureImage(a.image, a.policy, credentials);
    return { type: "pulled", key };
  } catch (e) {
    // The pull Secrets that could not be used explain many a refused pull.
    const message = problems.length > 0 ? `${messageOf(e)} (${problems.join("; ")})` : messageOf(e);
    ctx.logger.warn("image pull failed", {
      pod: a.podUid,
      container: a.container,
      image: a.image,
      error: message,
    });
    const reason = a.policy === "Never" ? "ErrImageNeverPull" : "ErrImagePull";
    return { type: "pull-failed", key, error: { reason, message } };
  }
}

async function* create(
  a: Extract<ContainerAction, { type: "create" | "restart" }>,
  pod: Pod,
  ctx: ExecutorContext,
): AsyncGenerator<ExecutorOutcome> {
  const key = containerKey(a.podUid, a.container);
  const spec = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find(
    (c) => c.name === a.container,
  );
  if (!spec) return;
  const log = ctx.logger.child({
    pod: `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`,
    container: a.container,
  });
  let id: string;
  let createSpec: ReturnType<typeof buildCreateSpec>;
  let tokenDir: string | undefined;
  try {
    tokenDir = await ctx.tokens?.ensure(pod);
  } catch (e) {
    log.warn("service account token could not be mounted", { error: messageOf(e) });
    yield { type: "create-failed", key, error: { reason: "FailedMount", message: messageOf(e) } };
    return;
  }
  try {
    // The node's bound of ConfigMaps and Secrets left this pod without its objects.
    const withheld = ctx.config.withheld(pod.metadata.uid);
    if (withheld !== undefined) throw new Error(withheld);
    const endpoints = ctx.apiEndpoints?.();
    const imageUser = ctx.runtime.imageUser && spec.image ? await ctx.runtime.imageUser(spec.image) : "";
    createSpec = buildCreateSpec(pod, spec, {
      imageUser,
      seccompRoot: ctx.seccompRoot,
      allocatable: { cpu: os.cpus().length, memory: os.totalmem() },
      nodeName: ctx.nodeName,
      hostIP: ctx.hostIP,
      // The pod's IP is its sandbox's.
      podIP: pod.spec.hostNetwork === true ? ctx.hostIP : (a.sandbox.ip ?? ctx.hostIP),
      dataDir: ctx.dataDir,
      restartCount: a.restartCount,
      sandboxId: a.sandbox.id,
      config: ctx.config,
      ...(endpoints
        ? { apiEndpoint: pod.spec.hostNetwork === true ? endpoints.hostNetwork : endpoints.bridge }
        : {}),
      ...(tokenDir ? { serviceAccountDir: tokenDir } : {}),
    });
    if (createSpec.seccompFile) {
      const profile = await fs.readFile(createSpec.seccompFile, "utf8").catch((e: unknown) => {
        throw new EverynodeError("RuntimeError", `cannot read seccomp profile: ${messageOf(e)}`);
      });
      createSpec.securityOpt = [
        ...(createSpec.securityOpt ?? []),
        `seccomp=${JSON.stringify(JSON.parse(profile))}`,
      ];
      delete createSpec.seccompFile;
    }
  } catch (e) {
    log.warn("container config is invalid", { error: messageOf(e) });
    yield {
      type: "create-failed",
      key,
      error: { reason: "CreateContainerConfigError", message: messageOf(e) },
    };
    return;
  }
  try {
    await ctx.volumes.ensure(pod, ctx.config, volumeFacts(ctx.nodeName, ctx.hostIP));
  } catch (e) {
    log.warn("volume could not be prepared", { error: messageOf(e) });
    yield { type: "create-failed", key, error: { reason: "FailedMount", message: messageOf(e) } };
    return;
  }
  for (const b of createSpec.binds) {
    try {
      const root = b.subPathOf ?? b.hostPath;
      const made = await prepareHostPath(root, b.hostPathType);
      // Any user of the pod may write its emptyDir, as on a kubelet (a pod running as a
      // non-root user without an fsGroup still has a scratch folder).
      if (made && b.emptyDir) await fs.chmod(root, 0o777);
      // Once, when the emptyDir is made, as the kubelet sets its ownership up.
      const own = b.ownership;
      if (made && own)
        await giveToGroup(root, own.gid, (m, dir) => ownedMode(m, dir, own)).catch(async (e: unknown) => {
          // Unmade again, so that the next attempt sets the ownership up rather than skip it.
          await fs.rm(root, { recursive: true, force: true });
          throw e;
        });
      if (b.subPathOf) await prepareSubPath(b.hostPath);
    } catch (e) {
      // Worded as the kubelet's FailedMount, which `kubectl describe` users know.
      const message = `MountVolume.SetUp failed for volume "${b.volume ?? b.containerPath}" : ${messageOf(e)}`;
      log.warn("volume could not be prepared", { error: message });
      yield { type: "create-failed", key, error: { reason: "FailedMount", message } };
      return;
    }
  }
  try {
    id = await ctx.runtime.createContainer(createSpec);
  } catch (e) {
    const reason =
      e instanceof EverynodeError && e.temporary ? "CreateContainerError" : "CreateContainerConfigError";
    log.warn("container could not be created", { error: messageOf(e) });
    yield { type: "create-failed", key, error: { reason, message: messageOf(e) } };
    return;
  }
  yield a.type === "restart" ? { type: "created", key, restartStep: a.step } : { type: "created", key };
  try {
    await ctx.runtime.start(id);
    log.info(a.type === "restart" ? "container restarted" : "container started", {
      id: id.slice(0, 12),
      restartCount: a.restartCount,
    });
    const postStart = hookOf(spec, "postStart");
    if (postStart) {
      const podIP = pod.spec.hostNetwork === true ? ctx.hostIP : (a.sandbox.ip ?? ctx.hostIP);
      const failed = await runHook(postStart, { containerId: id, podIP, container: spec }, 120, ctx);
      if (failed !== undefined) {
        // As on a kubelet: the container is killed, and restarts with the crash-loop back-off.
        const message = `PostStartHookError: ${failed}`;
        log.warn("postStart hook failed; stopping the container", { error: message });
        yield { type: "killing", containerId: id, message };
        await ctx.runtime.stop(id, pod.spec.terminationGracePeriodSeconds ?? 30);
      }
    }
  } catch (e) {
    // The container stays behind as "created" with the engine's error: the planner treats
    // it as a crash, so the back-off applies instead of a hot loop.
    log.warn("container could not be started", { id: id.slice(0, 12), error: messageOf(e) });
  }
}

/** Makes the pause image when it is the agent's own and absent; otherwise pulls it if needed. */
async function ensurePauseImage(ctx: ExecutorContext): Promise<void> {
  const { ref, rootfs } = ctx.pauseImage;
  if (rootfs && ctx.runtime.importImage) {
    if (!(await ctx.runtime.imageExists(ref))) await ctx.runtime.importImage(ref, rootfs, ["/pause"]);
    return;
  }
  await ctx.runtime.ensureImage(ref, "IfNotPresent");
}

async function* sandbox(
  a: Extract<ContainerAction, { type: "sandbox" }>,
  ctx: ExecutorContext,
): AsyncGenerator<ExecutorOutcome> {
  const pod = ctx.pod(a.podUid);
  if (!pod) return;
  try {
    await ensurePauseImage(ctx);
    const id = await ctx.runtime.createContainer(
      buildSandboxSpec(pod, ctx.nodeName, ctx.pauseImage.ref, a.attempt),
    );
    await ctx.runtime.start(id);
    ctx.logger.info("pod sandbox started", { pod: a.podUid, id: id.slice(0, 12), attempt: a.attempt });
    yield { type: "sandbox-ready", podUid: a.podUid };
  } catch (e) {
    const message = `Failed to create pod sandbox: ${messageOf(e)}`;
    ctx.logger.warn("pod sandbox could not be made", { pod: a.podUid, error: message });
    yield { type: "sandbox-failed", podUid: a.podUid, message };
  }
}

async function removeContainer(
  a: Extract<ContainerAction, { type: "remove" }>,
  ctx: ExecutorContext,
): Promise<void> {
  let grace = a.graceSeconds;
  const pod = ctx.pod(a.podUid);
  const spec = [...(pod?.spec.initContainers ?? []), ...(pod?.spec.containers ?? [])].find(
    (c) => c.name === a.container,
  );
  const preStop = spec ? hookOf(spec, "preStop") : undefined;
  if (spec && preStop && grace > 0) {
    // The hook runs within the grace period; the stop gets the rest (at least 2 s, as the kubelet gives).
    const started = ctx.clock.now();
    const target = { containerId: a.containerId, podIP: a.podIP ?? ctx.hostIP, container: spec };
    const failed = await runHook(preStop, target, grace, ctx);
    if (failed !== undefined)
      ctx.logger.warn("preStop hook failed", {
        id: a.containerId.slice(0, 12),
        pod: a.podUid,
        error: failed,
      });
    grace = Math.max(2, grace - Math.round((ctx.clock.now() - started) / 1000));
  }
  await ctx.runtime.stop(a.containerId, grace);
  await ctx.runtime.remove(a.containerId);
  ctx.logger.info("container stopped", { id: a.containerId.slice(0, 12), reason: a.reason, pod: a.podUid });
}

/** Runs one pod's actions in order, yielding outcomes as they happen; a failed pull skips that container's create. */
export async function* runPodActions(
  actions: PodAction[],
  ctx: ExecutorContext,
): AsyncGenerator<ExecutorOutcome> {
  const pulledFailed = new Set<string>();
  let removedOrphan: string | undefined;
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i] as PodAction;
    // A pod's containers stop together, as on a kubelet; its sandbox (removed last) after them.
    if (a.type === "remove" && !a.sandbox) {
      const batch = [a];
      while (actions[i + 1]?.type === "remove" && !(actions[i + 1] as { sandbox?: boolean }).sandbox)
        batch.push(actions[++i] as typeof a);
      const results = await Promise.allSettled(batch.map((r) => removeContainer(r, ctx)));
      for (const [j, r] of results.entries()) {
        const done = batch[j] as typeof a;
        if (r.status === "rejected") {
          ctx.logger.warn("container operation failed", {
            action: "remove",
            pod: done.podUid,
            error: messageOf(r.reason),
          });
          yield { type: "op-failed", podUid: done.podUid };
        } else if (done.reason === "orphan" || done.reason === "terminating") removedOrphan = done.podUid;
      }
      continue;
    }
    try {
      switch (a.type) {
        case "wait":
          break;
        case "remove":
          await removeContainer(a, ctx);
          if (a.reason === "orphan" || a.reason === "terminating") removedOrphan = a.podUid;
          break;
        case "pull": {
          const outcome = await pull(a, ctx);
          if (outcome.type === "pull-failed") pulledFailed.add(a.container);
          yield outcome;
          break;
        }
        case "create":
        case "restart": {
          const pod = ctx.pod(a.podUid);
          if (pod && !pulledFailed.has(a.container)) yield* create(a, pod, ctx);
          break;
        }
        case "sandbox":
          yield* sandbox(a, ctx);
          break;
        case "stop":
          await ctx.runtime.stop(a.containerId, a.graceSeconds);
          ctx.logger.info("container stopped: its pod's sandbox changed", {
            id: a.containerId.slice(0, 12),
            pod: a.podUid,
          });
          break;
        case "kill":
          // Said first, so that the exit the engine reports already carries the reason.
          yield { type: "killing", containerId: a.containerId, message: a.message };
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
      yield { type: "op-failed", podUid: a.podUid };
    }
  }
  // A pod that left the node leaves no emptyDir folders behind.
  if (removedOrphan && !ctx.pod(removedOrphan)) {
    await fs
      .rm(path.join(ctx.dataDir, "pods", removedOrphan), { recursive: true, force: true })
      .catch(() => {});
    yield { type: "pod-removed", podUid: removedOrphan };
  }
}
