import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { ObservedContainer } from "../runtime/container-runtime.js";
import { buildLabels, containerSpecHash, SANDBOX, sandboxSpecHash } from "../runtime/labels.js";
import { Backoff, backoffDelay, type BackoffLookup, type BackoffPolicy } from "../../shared/backoff.js";
import {
  CRASH_LOOP_BACKOFF,
  IMAGE_PULL_BACKOFF,
  planContainers,
  pullPolicyOf,
  type ContainerAction,
  type RestartState,
} from "./container-plan.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const S = 1000;

function pod(uid: string, over: Partial<Pod["spec"]> = {}, meta: Partial<Pod["metadata"]> = {}): Pod {
  return {
    metadata: {
      name: `web-${uid}`,
      namespace: "default",
      uid,
      labels: { "controller-revision-hash": "r1" },
      ...meta,
    },
    spec: { nodeName: "n1", containers: [{ name: "web", image: "everynode/web:test" }], ...over },
  };
}

function obs(
  id: string,
  p: Pod,
  o: {
    state?: ObservedContainer["state"];
    count?: number;
    node?: string;
    startedAt?: number;
    finishedAt?: number;
    exitCode?: number;
    createdAt?: number;
    /** The engine's error for a container it could not start. */
    error?: string;
    /** The sandbox it joined; "sb" unless said. */
    sandbox?: string;
    /** Make it the pod's sandbox instead. */
    isSandbox?: boolean;
  } = {},
): ObservedContainer {
  const c = o.isSandbox ? { name: SANDBOX } : p.spec.containers[0]!;
  const count = o.count ?? 0;
  const running = (o.state ?? "running") === "running";
  const hash = o.isSandbox ? sandboxSpecHash(p) : containerSpecHash(p, c);
  const out: ObservedContainer = {
    id,
    name: id,
    labels: buildLabels(p, c, o.node ?? "n1", count, hash, o.isSandbox ? undefined : (o.sandbox ?? "sb")),
    image: c.image ?? "",
    imageId: "sha256:aaa",
    state: o.state ?? "running",
    exitCode: o.exitCode ?? (running ? 0 : 1),
    createdAt: o.createdAt ?? NOW - 60 * S + count,
    oomKilled: false,
  };
  if (o.error !== undefined) out.error = o.error;
  if (o.state !== "created") out.startedAt = o.startedAt ?? NOW - 30 * S;
  if (!running && o.state !== "created") out.finishedAt = o.finishedAt ?? NOW - 1 * S;
  if (o.isSandbox && running) out.ipAddress = "172.17.0.9";
  return out;
}

/** The running sandbox "sb" of a pod. */
const sb = (p: Pod, o: Parameters<typeof obs>[2] = {}): ObservedContainer =>
  obs(o.state && o.state !== "running" ? "sbdead" : "sb", p, { ...o, isSandbox: true });

function state(over: Partial<RestartState> = {}): RestartState {
  return { nodeName: "n1", crash: new Map(), pull: new Map(), ...over };
}

/** Container a/web after `failures` failures in a row, the last at `at`. */
function streak(policy: BackoffPolicy, failures: number, at = NOW): BackoffLookup {
  const b = new Backoff(policy, { clock: { now: () => at } });
  for (let i = 0; i < failures; i++) b.fail("a/web");
  return b;
}
const restarts = (n: number): BackoffLookup => streak(CRASH_LOOP_BACKOFF, n);

function short(a: ContainerAction): string {
  switch (a.type) {
    case "pull":
      return `pull ${a.container} ${a.image} ${a.policy}`;
    case "create":
      return `create ${a.container} #${a.restartCount}`;
    case "restart":
      return `restart ${a.container} #${a.restartCount} step${a.step}`;
    case "start":
      return `start ${a.containerId}`;
    case "remove":
      return `remove ${a.containerId} ${a.reason} grace${a.graceSeconds}`;
    case "sandbox":
      return `sandbox #${a.attempt}`;
    case "stop":
      return `stop ${a.containerId} grace${a.graceSeconds}`;
    case "wait":
      return `wait ${a.container} ${a.reason} ${a.delayMs / 1000}s until+${(a.until - NOW) / 1000}s`;
  }
}

const A = pod("a");
const Aimage2 = pod("a", { containers: [{ name: "web", image: "everynode/web:v2" }] });
const Aalways = pod("a", {
  containers: [{ name: "web", image: "everynode/web:test", imagePullPolicy: "Always" }],
});
const Agrace5 = pod("a", { terminationGracePeriodSeconds: 5 });
const Aterminating = pod(
  "a",
  {},
  { deletionTimestamp: "2026-12-01T12:00:00Z", deletionGracePeriodSeconds: 7 },
);
const unmanaged: ObservedContainer = { ...obs("u1", A), labels: { other: "x" } };

describe("planContainers", () => {
  it.each<{
    name: string;
    desired: Pod[] | undefined;
    observed: ObservedContainer[];
    st?: RestartState;
    noSandbox?: boolean;
    want: string[];
  }>([
    {
      name: "no set yet: a running container is adopted, untouched",
      desired: undefined,
      observed: [obs("c1", A)],
      want: [],
    },
    {
      name: "no set yet: even an unknown pod's container stays",
      desired: undefined,
      observed: [obs("c9", pod("zz"))],
      want: [],
    },
    {
      name: "new pod: its sandbox first",
      desired: [A],
      observed: [],
      noSandbox: true,
      want: ["sandbox #0"],
    },
    {
      name: "new pod with its sandbox running: pull then create attempt 0",
      desired: [A],
      observed: [],
      want: ["pull web everynode/web:test IfNotPresent", "create web #0"],
    },
    {
      name: "sandbox died: its containers stop, a new sandbox is made",
      desired: [A],
      observed: [obs("c1", A), sb(A, { state: "exited" })],
      noSandbox: true,
      want: ["stop c1 grace30", "remove sbdead sandbox-changed grace0", "sandbox #1"],
    },
    {
      name: "sandbox of another shape (hostNetwork now): replaced",
      desired: [pod("a", { hostNetwork: true })],
      observed: [obs("c1", A), sb(A)],
      noSandbox: true,
      want: ["stop c1 grace30", "remove sb sandbox-changed grace0", "sandbox #1"],
    },
    {
      name: "a container of an old sandbox: stopped, the next attempt is made in the new one",
      desired: [A],
      observed: [obs("c1", A, { sandbox: "old", count: 3 })],
      want: ["stop c1 grace30", "pull web everynode/web:test IfNotPresent", "create web #4"],
    },
    {
      name: "pod left the set with its sandbox: the sandbox goes last",
      desired: [],
      observed: [sb(Agrace5), obs("c1", Agrace5)],
      want: ["remove c1 orphan grace5", "remove sb orphan grace5"],
    },
    { name: "running and unchanged: nothing", desired: [A], observed: [obs("c1", A)], want: [] },
    {
      name: "pod left the set: stop and remove with its grace",
      desired: [],
      observed: [obs("c1", Agrace5)],
      want: ["remove c1 orphan grace5"],
    },
    {
      name: "another node's container is ignored",
      desired: [],
      observed: [obs("c1", A, { node: "n2" })],
      want: [],
    },
    { name: "an unmanaged container is ignored", desired: [], observed: [unmanaged], want: [] },
    {
      name: "changed spec: replace, restart count grows",
      desired: [Aimage2],
      observed: [obs("c1", A, { count: 2 })],
      want: ["remove c1 spec-changed grace30", "pull web everynode/web:v2 IfNotPresent", "create web #3"],
    },
    {
      name: "two running attempts: keep the newest",
      desired: [A],
      observed: [obs("c1", A, { count: 0 }), obs("c2", A, { count: 1 })],
      want: ["remove c1 duplicate grace30"],
    },
    {
      name: "older dead attempts beyond the previous one are pruned",
      desired: [A],
      observed: [
        obs("c0", A, { count: 0, state: "exited" }),
        obs("c1", A, { count: 1, state: "exited" }),
        obs("c2", A, { count: 2 }),
      ],
      want: ["remove c0 old-attempt grace30"],
    },
    {
      name: "first crash: restart at once",
      desired: [A],
      observed: [obs("c1", A, { state: "exited" })],
      want: ["pull web everynode/web:test IfNotPresent", "restart web #1 step1"],
    },
    {
      name: "first crash reported with a finish time ahead of our clock: still at once",
      desired: [A],
      observed: [obs("c1", A, { state: "exited", finishedAt: NOW + 3 * S })],
      want: ["pull web everynode/web:test IfNotPresent", "restart web #1 step1"],
    },
    {
      name: "second crash, 5 s ago: back off 10 s",
      desired: [A],
      observed: [obs("c1", A, { state: "exited", count: 1, finishedAt: NOW - 5 * S })],
      st: state({ crash: restarts(1) }),
      want: ["wait web CrashLoopBackOff 10s until+5s"],
    },
    {
      name: "second crash, 10 s ago: restart",
      desired: [A],
      observed: [obs("c1", A, { state: "exited", count: 1, finishedAt: NOW - 10 * S })],
      st: state({ crash: restarts(1) }),
      want: ["pull web everynode/web:test IfNotPresent", "restart web #2 step2"],
    },
    {
      name: "third crash: back off 20 s",
      desired: [A],
      observed: [obs("c2", A, { state: "exited", count: 2, finishedAt: NOW - 19 * S })],
      st: state({ crash: restarts(2) }),
      want: ["wait web CrashLoopBackOff 20s until+1s"],
    },
    {
      name: "fourth crash: back off 40 s",
      desired: [A],
      observed: [obs("c3", A, { state: "exited", count: 3, finishedAt: NOW })],
      st: state({ crash: restarts(3) }),
      want: ["wait web CrashLoopBackOff 40s until+40s"],
    },
    {
      name: "long streak: capped at 300 s",
      desired: [A],
      observed: [obs("c9", A, { state: "exited", count: 9, finishedAt: NOW })],
      st: state({ crash: restarts(9) }),
      want: ["wait web CrashLoopBackOff 300s until+300s"],
    },
    {
      name: "ran 10 minutes before crashing: back-off reset, restart at once",
      desired: [A],
      observed: [obs("c5", A, { state: "exited", count: 5, startedAt: NOW - 601 * S, finishedAt: NOW - S })],
      st: state({ crash: restarts(5) }),
      want: ["pull web everynode/web:test IfNotPresent", "restart web #6 step1"],
    },
    {
      name: "created, never started: start it",
      desired: [A],
      observed: [obs("c1", A, { state: "created" })],
      want: ["start c1"],
    },
    {
      name: "could not start, first time: restart at once",
      desired: [A],
      observed: [obs("c1", A, { state: "created", error: "unable to apply caps" })],
      want: ["pull web everynode/web:test IfNotPresent", "restart web #1 step1"],
    },
    {
      name: "could not start again, created 5 s ago (no finish time): back off 10 s from its creation",
      desired: [A],
      observed: [obs("c1", A, { state: "created", count: 1, createdAt: NOW - 5 * S, error: "caps" })],
      st: state({ crash: restarts(1) }),
      want: ["wait web CrashLoopBackOff 10s until+5s"],
    },
    {
      name: "could not start again, created 10 s ago: restart",
      desired: [A],
      observed: [obs("c1", A, { state: "created", count: 1, createdAt: NOW - 10 * S, error: "caps" })],
      st: state({ crash: restarts(1) }),
      want: ["pull web everynode/web:test IfNotPresent", "restart web #2 step2"],
    },
    {
      name: "restart of an image pulled Always: pulled again first",
      desired: [Aalways],
      observed: [obs("c1", Aalways, { state: "exited" })],
      want: ["pull web everynode/web:test Always", "restart web #1 step1"],
    },
    {
      name: "restart due while its pull backs off: ImagePullBackOff, no restart",
      desired: [A],
      observed: [obs("c1", A, { state: "exited", count: 1, finishedAt: NOW - 10 * S })],
      st: state({ crash: restarts(1), pull: streak(IMAGE_PULL_BACKOFF, 1, NOW - 5 * S) }),
      want: ["wait web ImagePullBackOff 10s until+5s"],
    },
    {
      name: "failed pull 5 s ago: image pull back-off",
      desired: [A],
      observed: [],
      st: state({ pull: streak(IMAGE_PULL_BACKOFF, 1, NOW - 5 * S) }),
      want: ["wait web ImagePullBackOff 10s until+5s"],
    },
    {
      name: "second failed pull: 20 s, then pull again",
      desired: [A],
      observed: [],
      st: state({ pull: streak(IMAGE_PULL_BACKOFF, 2, NOW - 20 * S) }),
      want: ["pull web everynode/web:test IfNotPresent", "create web #0"],
    },
    {
      name: "terminating pod: stopped with the deletion's grace",
      desired: [Aterminating],
      observed: [obs("c1", A)],
      want: ["remove c1 terminating grace7", "remove sb terminating grace7"],
    },
  ])("$name", ({ desired, observed, st, want, noSandbox }) => {
    // Each desired pod has its running sandbox unless the case says otherwise.
    const sandboxes = noSandbox ? [] : (desired ?? []).map((p) => sb(p));
    expect(planContainers(desired, [...sandboxes, ...observed], st ?? state(), NOW).map(short)).toEqual(want);
  });

  it("is idempotent: the same inputs give the same plan", () => {
    const observed = [obs("c1", A, { state: "exited", count: 1, finishedAt: NOW - 3 * S })];
    const st = state({ crash: restarts(1) });
    expect(planContainers([A], observed, st, NOW)).toEqual(planContainers([A], observed, st, NOW));
  });
});

describe("back-off schedules", () => {
  it.each([
    [0, 0],
    [1, 10],
    [2, 20],
    [3, 40],
    [4, 80],
    [5, 160],
    [6, 300],
    [12, 300],
  ])("crash restart step %i waits %i s", (step, seconds) => {
    expect(backoffDelay(CRASH_LOOP_BACKOFF, step)).toBe(seconds * S);
  });

  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
    [6, 300],
  ])("after %i failed pulls the next waits %i s", (failures, seconds) => {
    expect(backoffDelay(IMAGE_PULL_BACKOFF, failures)).toBe(seconds * S);
  });
});

describe("pullPolicyOf", () => {
  it.each([
    ["nginx", undefined, "Always"],
    ["nginx:latest", undefined, "Always"],
    ["nginx:1.27", undefined, "IfNotPresent"],
    ["localhost:5000/app", undefined, "Always"],
    ["localhost:5000/app:2", undefined, "IfNotPresent"],
    ["app@sha256:abcd", undefined, "IfNotPresent"],
    ["nginx", "Never", "Never"],
  ] as const)("%s with %s → %s", (image, policy, want) => {
    expect(pullPolicyOf(image, policy)).toBe(want);
  });
});
