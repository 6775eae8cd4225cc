// The agent's pure decider: given the node's desired pods, the containers Docker reports and
// the back-off bookkeeping, what should happen next. Level-triggered and idempotent: running
// it again on the same inputs yields the same actions, so the worker can run it after any
// hint (a new set, a Docker event, a timer).

import type { Pod } from "../../shared/api-types.js";
import { backoffUntil, type BackoffLookup, type BackoffPolicy } from "../../shared/backoff.js";
import type { PullPolicy, ObservedContainer } from "../runtime/container-runtime.js";
import {
  containerSpecHash,
  parseLabels,
  SANDBOX,
  sandboxSpecHash,
  type ContainerIdentity,
} from "../runtime/labels.js";

/** Kubernetes' crash-loop back-off: a first restart at once, then 10 s doubling to 300 s. */
export const CRASH_LOOP_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };
/** A container that ran this long without a problem starts a fresh crash streak. */
export const CRASH_LOOP_RESET_MS = 600_000;
/** Image pulls: 10 s doubling to 300 s after each failure in a row. */
export const IMAGE_PULL_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };

/** The back-off bookkeeping the worker keeps between passes, and the node it serves. */
export interface RestartState {
  nodeName: string;
  /** Restarts made in each container's current crash streak, by containerKey(podUid, name). */
  crash: BackoffLookup;
  /** Failed pulls in a row, by containerKey(podUid, name). */
  pull: BackoffLookup;
}

export type RemoveReason =
  "orphan" | "spec-changed" | "duplicate" | "old-attempt" | "terminating" | "sandbox-changed";

/** The running sandbox a pod's containers join: its id, and its IP on the bridge (the pod's IP). */
export interface SandboxRef {
  id: string;
  ip?: string;
}

export type ContainerAction =
  | { type: "pull"; podUid: string; container: string; image: string; policy: PullPolicy }
  /** Create attempt `restartCount` in the pod's sandbox and start it: a new container, or one whose spec changed. */
  | { type: "create"; podUid: string; container: string; restartCount: number; sandbox: SandboxRef }
  /** Create the next attempt after a crash, once its back-off has passed: restart `step` of the streak. */
  | {
      type: "restart";
      podUid: string;
      container: string;
      restartCount: number;
      step: number;
      sandbox: SandboxRef;
    }
  /** Make and start the pod's sandbox, attempt `attempt`: its containers are made on the next pass. */
  | { type: "sandbox"; podUid: string; attempt: number }
  /** Stop (and keep, for its restart count and logs) a container left in an old sandbox. */
  | { type: "stop"; podUid: string; containerId: string; graceSeconds: number }
  /** Start a container that was created but never started. */
  | { type: "start"; podUid: string; container: string; containerId: string }
  | {
      type: "remove";
      podUid: string;
      containerId: string;
      graceSeconds: number;
      reason: RemoveReason;
      /** The pod's sandbox: removed after the containers that joined it. */
      sandbox?: true;
      /** The container's name in the pod, for its preStop hook. */
      container?: string;
      /** The pod's IP, for an httpGet preStop hook (the node's when unset). */
      podIP?: string;
    }
  | {
      type: "wait";
      podUid: string;
      container: string;
      reason: "CrashLoopBackOff" | "ImagePullBackOff";
      until: number;
      delayMs: number;
    };

/** The back-off bookkeeping key of one container of a pod. */
export function containerKey(podUid: string, container: string): string {
  return `${podUid}/${container}`;
}

/** Kubernetes' default: Always for `latest` or no tag, IfNotPresent otherwise. */
export function pullPolicyOf(image: string, policy: PullPolicy | undefined): PullPolicy {
  if (policy) return policy;
  if (image.includes("@")) return "IfNotPresent";
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":") + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

interface Owned {
  c: ObservedContainer;
  id: ContainerIdentity;
}

const newestFirst = (a: Owned, b: Owned): number =>
  b.id.restartCount - a.id.restartCount || b.c.createdAt - a.c.createdAt;

/** A pod's containers, its sandbox last: containers stop before the namespaces they joined. */
function sandboxLast(list: Owned[]): Owned[] {
  return [...list].sort((a, b) => Number(a.id.container === SANDBOX) - Number(b.id.container === SANDBOX));
}

function remove(actions: ContainerAction[], o: Owned, reason: RemoveReason): void {
  actions.push({
    type: "remove",
    podUid: o.id.podUid,
    containerId: o.c.id,
    graceSeconds: reason === "sandbox-changed" ? 0 : o.id.graceSeconds,
    reason,
    container: o.id.container,
    ...(o.id.container === SANDBOX ? { sandbox: true as const } : {}),
  });
}

/** Whether an init container ran to completion (exit 0) in the current sandbox with its current spec. */
export function initDone(
  pod: Pod,
  spec: Pod["spec"]["containers"][number],
  mine: { c: ObservedContainer; id: ContainerIdentity }[],
  sandboxId: string,
): boolean {
  const hash = containerSpecHash(pod, spec);
  return mine.some(
    (o) =>
      o.id.sandbox === sandboxId && o.id.specHash === hash && o.c.state === "exited" && o.c.exitCode === 0,
  );
}

/** An exited container, or one the engine created but could not run. */
function hasDied(c: ObservedContainer): boolean {
  return c.state === "exited" || (c.state === "created" && c.error !== undefined && c.error !== "");
}

function planContainer(
  pod: Pod,
  uid: string,
  spec: Pod["spec"]["containers"][number],
  mine: Owned[],
  sandbox: SandboxRef,
  state: RestartState,
  now: number,
): ContainerAction[] {
  const actions: ContainerAction[] = [];
  const key = containerKey(uid, spec.name);
  const hash = containerSpecHash(pod, spec);
  const remove = (o: Owned, reason: RemoveReason): void => {
    actions.push({
      type: "remove",
      podUid: uid,
      containerId: o.c.id,
      graceSeconds: o.id.graceSeconds,
      reason,
      container: spec.name,
    });
  };
  const sameSpec = mine.filter((o) => o.id.specHash === hash).sort(newestFirst);
  for (const o of mine) if (o.id.specHash !== hash) remove(o, "spec-changed");
  const nextCount = mine.reduce((m, o) => Math.max(m, o.id.restartCount + 1), 0);
  // A container of an older sandbox is in namespaces the pod no longer has: it stops, and
  // stays as the previous attempt.
  const current = sameSpec.filter((o) => o.id.sandbox === sandbox.id);
  for (const o of sameSpec) {
    if (o.id.sandbox !== sandbox.id && o.c.state === "running") {
      actions.push({ type: "stop", podUid: uid, containerId: o.c.id, graceSeconds: o.id.graceSeconds });
    }
  }

  const running = current.filter((o) => o.c.state === "running");
  const kept = running[0] ?? current[0];
  for (const o of running.slice(1)) remove(o, "duplicate");
  // Keep one dead attempt besides the live one: its exit is `lastState` and `--previous` logs.
  const dead = sameSpec.filter((o) => o !== kept && o.c.state !== "running");
  for (const o of dead.slice(1)) remove(o, "old-attempt");
  if (kept?.c.state === "running") return actions;

  // Every container made, a restart's too, gets its image by the pull policy first, as the
  // kubelet does at each start: `Always` asks the registry each time.
  const pullFirst = (): boolean => {
    const failed = state.pull.get(key);
    if (failed && now < backoffUntil(failed)) {
      actions.push({
        type: "wait",
        podUid: uid,
        container: spec.name,
        reason: "ImagePullBackOff",
        until: backoffUntil(failed),
        delayMs: failed.delayMs,
      });
      return false;
    }
    const image = spec.image ?? "";
    const policy = pullPolicyOf(image, spec.imagePullPolicy);
    actions.push({ type: "pull", podUid: uid, container: spec.name, image, policy });
    return true;
  };

  if (!kept) {
    if (pullFirst())
      actions.push({ type: "create", podUid: uid, container: spec.name, restartCount: nextCount, sandbox });
    return actions;
  }

  if (!hasDied(kept.c)) {
    actions.push({ type: "start", podUid: uid, container: spec.name, containerId: kept.c.id });
    return actions;
  }

  const ranLong =
    kept.c.startedAt !== undefined &&
    kept.c.finishedAt !== undefined &&
    kept.c.finishedAt - kept.c.startedAt >= CRASH_LOOP_RESET_MS;
  const streak = ranLong ? undefined : state.crash.get(key);
  const step = streak?.failures ?? 0;
  const delayMs = streak?.delayMs ?? 0;
  // The engine leaves no finish time on a container it could not start: the failure came
  // right after its creation. (`now` would push the wait ahead at every pass: no retry ever.)
  const readyAt = (kept.c.finishedAt ?? kept.c.createdAt) + delayMs;
  // No delay means at once, even if the engine's clock runs ahead of ours.
  if (delayMs === 0 || now >= readyAt) {
    if (!pullFirst()) return actions;
    actions.push({
      type: "restart",
      podUid: uid,
      container: spec.name,
      restartCount: nextCount,
      step: step + 1,
      sandbox,
    });
  } else {
    actions.push({
      type: "wait",
      podUid: uid,
      container: spec.name,
      reason: "CrashLoopBackOff",
      until: readyAt,
      delayMs,
    });
  }
  return actions;
}

/**
 * The actions that move this node's containers toward `desired`. `desired` undefined means
 * no set has arrived since the agent started: running containers are adopted as they are
 * and nothing is touched. Containers of other nodes and unmanaged ones are never touched.
 */
export function planContainers(
  desired: Pod[] | undefined,
  observed: ObservedContainer[],
  state: RestartState,
  now: number,
): ContainerAction[] {
  if (desired === undefined) return [];
  const owned: Owned[] = [];
  for (const c of observed) {
    const id = parseLabels(c.labels);
    if (id && id.node === state.nodeName) owned.push({ c, id });
  }
  const actions: ContainerAction[] = [];
  const claimed = new Set<string>();
  for (const pod of desired) {
    const uid = pod.metadata.uid;
    if (!uid) continue;
    const ofPod = owned.filter((o) => o.id.podUid === uid);
    if (pod.metadata.deletionTimestamp) {
      // A terminating pod: stop what runs, as gently as the deletion asked, its sandbox last.
      const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds;
      // Where an httpGet preStop hook goes: the pod's IP (the node's with hostNetwork).
      const podIP = ofPod.find((o) => o.id.container === SANDBOX && o.c.state === "running")?.c.ipAddress;
      for (const o of sandboxLast(ofPod)) {
        claimed.add(o.c.id);
        actions.push({
          type: "remove",
          podUid: uid,
          containerId: o.c.id,
          graceSeconds: grace ?? o.id.graceSeconds,
          reason: "terminating",
          container: o.id.container,
          ...(podIP && pod.spec.hostNetwork !== true ? { podIP } : {}),
          ...(o.id.container === SANDBOX ? { sandbox: true as const } : {}),
        });
      }
      continue;
    }
    for (const o of ofPod) claimed.add(o.c.id);
    const sandboxes = ofPod.filter((o) => o.id.container === SANDBOX).sort(newestFirst);
    const sandboxHash = sandboxSpecHash(pod);
    const live = sandboxes.find((o) => o.c.state === "running" && o.id.specHash === sandboxHash);
    const containers = ofPod.filter((o) => o.id.container !== SANDBOX);
    if (!live) {
      // No sandbox, or it died or changed: stop what ran in the old one, then make a new one;
      // the containers are made in it on the next pass.
      for (const o of containers) {
        if (o.c.state === "running")
          actions.push({ type: "stop", podUid: uid, containerId: o.c.id, graceSeconds: o.id.graceSeconds });
      }
      for (const o of sandboxes) remove(actions, o, "sandbox-changed");
      const attempt = sandboxes.reduce((m, o) => Math.max(m, o.id.restartCount + 1), 0);
      actions.push({ type: "sandbox", podUid: uid, attempt });
      continue;
    }
    for (const o of sandboxes) if (o !== live) remove(actions, o, "sandbox-changed");
    const ref: SandboxRef = live.c.ipAddress ? { id: live.c.id, ip: live.c.ipAddress } : { id: live.c.id };
    const mineOf = (name: string): Owned[] => containers.filter((o) => o.id.container === name);
    // Init containers in order, each to completion (a sidecar: until it runs), in this
    // sandbox: a new sandbox runs them again. The app containers only after the last.
    let initialized = true;
    for (const spec of pod.spec.initContainers ?? []) {
      const mine = mineOf(spec.name);
      if (spec.restartPolicy !== "Always" && initDone(pod, spec, mine, live.c.id)) continue;
      const planned = planContainer(pod, uid, spec, mine, ref, state, now);
      actions.push(...planned);
      const running = mine.some((o) => o.id.sandbox === live.c.id && o.c.state === "running");
      if (spec.restartPolicy === "Always" && running) continue;
      initialized = false;
      break;
    }
    if (!initialized) continue;
    for (const spec of pod.spec.containers) {
      actions.push(...planContainer(pod, uid, spec, mineOf(spec.name), ref, state, now));
    }
  }
  const orphans: Owned[] = [];
  for (const o of owned) if (!claimed.has(o.c.id)) orphans.push(o);
  for (const o of sandboxLast(orphans)) {
    actions.push({
      type: "remove",
      podUid: o.id.podUid,
      containerId: o.c.id,
      graceSeconds: o.id.graceSeconds,
      reason: "orphan",
      container: o.id.container,
      ...(o.id.container === SANDBOX ? { sandbox: true as const } : {}),
    });
  }
  return actions;
}
