// The pure side of container probes: which probes of one container are due, how a result
// moves the thresholded state, and what that state means for the container (started,
// ready, or to be killed). Times are epoch ms from the worker's clock; nothing here waits.

import type { Container } from "../../shared/api-types.js";

export type ProbeKind = "startup" | "liveness" | "readiness";
export type ProbeOutcome = "success" | "failure" | "unknown";

/** One probe as the pod spec gives it, with Kubernetes' defaults filled in. */
export interface ProbeSpec {
  exec?: { command?: string[] };
  httpGet?: {
    path?: string;
    port: number | string;
    host?: string;
    scheme?: string;
    httpHeaders?: { name: string; value: string }[];
  };
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number; service?: string };
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
  terminationGracePeriodSeconds?: number;
}

export type ProbeSpecs = Partial<Record<ProbeKind, ProbeSpec>>;

/** What one probe of one container has seen so far. */
export interface ProbeTrack {
  lastRunAt?: number;
  /** The last definite outcome and how many times in a row it came. */
  lastOutcome?: "success" | "failure";
  run: number;
  /** The outcome once its threshold was reached; undefined until then. */
  state?: "success" | "failure";
  /** The detail of the last failure. */
  message?: string;
}

/** The probe bookkeeping of one running container. */
export interface ContainerProbes {
  /** When the container started (on the worker's clock). */
  startedAt: number;
  tracks: Partial<Record<ProbeKind, ProbeTrack>>;
  /** Latched once the startup probe passed: it never runs again for this container. */
  started: boolean;
}

/** What the probes say about a container right now. */
export interface ProbeView {
  started: boolean;
  ready: boolean;
  /** Set when a liveness or startup probe reached its failure threshold. */
  kill?: { kind: "liveness" | "startup"; message: string };
  /** `Readiness probe failed: ...` while the last readiness check failed. */
  readinessMessage?: string;
}

const KEYS: Record<ProbeKind, string> = {
  startup: "startupProbe",
  liveness: "livenessProbe",
  readiness: "readinessProbe",
};

const LABEL: Record<ProbeKind, string> = { startup: "Startup", liveness: "Liveness", readiness: "Readiness" };

function positive(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : fallback;
}

/** The container's probes with defaults (the API defaults them, but older pods may lack them). */
export function probeSpecsOf(container: Container): ProbeSpecs {
  const out: ProbeSpecs = {};
  for (const kind of Object.keys(KEYS) as ProbeKind[]) {
    const raw = container[KEYS[kind]];
    if (!raw || typeof raw !== "object") continue;
    const p = raw as Partial<ProbeSpec>;
    out[kind] = {
      ...p,
      initialDelaySeconds: typeof p.initialDelaySeconds === "number" ? Math.max(0, p.initialDelaySeconds) : 0,
      periodSeconds: positive(p.periodSeconds, 10),
      timeoutSeconds: positive(p.timeoutSeconds, 1),
      successThreshold: kind === "readiness" ? positive(p.successThreshold, 1) : 1,
      failureThreshold: positive(p.failureThreshold, 3),
    };
  }
  return out;
}

/** Whether the container has any probe at all. */
export function hasProbes(specs: ProbeSpecs): boolean {
  return specs.startup !== undefined || specs.liveness !== undefined || specs.readiness !== undefined;
}

/** Fresh bookkeeping for a container that started at `startedAt`. */
export function initialProbes(startedAt: number): ContainerProbes {
  return { startedAt, tracks: {}, started: false };
}

/** The startup probe gates the others until it passed. */
function activeKinds(specs: ProbeSpecs, probes: ContainerProbes): ProbeKind[] {
  if (specs.startup && !probes.started) return ["startup"];
  return (["liveness", "readiness"] as const).filter((k) => specs[k] !== undefined);
}

function dueAt(spec: ProbeSpec, probes: ContainerProbes, kind: ProbeKind): number {
  const first = probes.startedAt + spec.initialDelaySeconds * 1000;
  const last = probes.tracks[kind]?.lastRunAt;
  return last === undefined ? first : Math.max(first, last + spec.periodSeconds * 1000);
}

/** The probes to run now, in the order they should run. */
export function dueProbes(specs: ProbeSpecs, probes: ContainerProbes, now: number): ProbeKind[] {
  return activeKinds(specs, probes).filter((k) => {
    const spec = specs[k];
    return spec !== undefined && now >= dueAt(spec, probes, k);
  });
}

/** When the next probe of this container falls due (Infinity when it has none). */
export function nextDueAt(specs: ProbeSpecs, probes: ContainerProbes): number {
  let at = Infinity;
  for (const k of activeKinds(specs, probes)) {
    const spec = specs[k];
    if (spec) at = Math.min(at, dueAt(spec, probes, k));
  }
  return at;
}

/** The bookkeeping after one run of probe `kind`; Unknown only counts as "it ran". */
export function recordResult(
  specs: ProbeSpecs,
  probes: ContainerProbes,
  kind: ProbeKind,
  outcome: ProbeOutcome,
  message: string,
  now: number,
): ContainerProbes {
  const spec = specs[kind];
  const before = probes.tracks[kind] ?? { run: 0 };
  const track: ProbeTrack = { ...before, lastRunAt: now };
  if (spec && outcome !== "unknown") {
    track.run = before.lastOutcome === outcome ? before.run + 1 : 1;
    track.lastOutcome = outcome;
    if (outcome === "failure") track.message = message;
    const threshold = outcome === "success" ? spec.successThreshold : spec.failureThreshold;
    if (track.run >= threshold) track.state = outcome;
  }
  const next: ContainerProbes = { ...probes, tracks: { ...probes.tracks, [kind]: track } };
  if (kind === "startup" && track.state === "success") next.started = true;
  return next;
}

function failed(kind: ProbeKind, track: ProbeTrack | undefined): string {
  return `${LABEL[kind]} probe failed: ${track?.message ?? ""}`.trimEnd();
}

/** Started, ready and whether to kill, from the specs and what the probes have seen. */
export function probeView(specs: ProbeSpecs, probes: ContainerProbes): ProbeView {
  const started = !specs.startup || probes.started;
  const readiness = probes.tracks.readiness;
  // Without a readiness probe a started container is ready; with one, only once it passed.
  const view: ProbeView = {
    started,
    ready: started && (!specs.readiness || readiness?.state === "success"),
  };
  const startup = probes.tracks.startup;
  const liveness = probes.tracks.liveness;
  if (specs.startup && !started && startup?.state === "failure") {
    view.kill = { kind: "startup", message: failed("startup", startup) };
  } else if (started && specs.liveness && liveness?.state === "failure") {
    view.kill = { kind: "liveness", message: failed("liveness", liveness) };
  }
  if (started && specs.readiness && readiness?.lastOutcome === "failure") {
    view.readinessMessage = failed("readiness", readiness);
  }
  return view;
}
