import { describe, expect, it } from "vitest";
import {
  dueProbes,
  initialProbes,
  nextDueAt,
  probeSpecsOf,
  probeView,
  recordResult,
  type ContainerProbes,
  type ProbeKind,
  type ProbeOutcome,
  type ProbeSpecs,
} from "./probe-plan.js";

const S = 1000;
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

const http = { httpGet: { port: 80, path: "/healthz" } };
const specsOf = (c: Record<string, unknown>): ProbeSpecs => probeSpecsOf({ name: "web", ...c });

/** Replays `steps` (kind, outcome, seconds after start) on fresh bookkeeping. */
function replay(specs: ProbeSpecs, steps: [ProbeKind, ProbeOutcome, number][]): ContainerProbes {
  let p = initialProbes(T0);
  for (const [kind, outcome, at] of steps)
    p = recordResult(specs, p, kind, outcome, `${kind} at ${at}`, T0 + at * S);
  return p;
}

describe("probeSpecsOf", () => {
  it("fills Kubernetes' defaults and forces successThreshold 1 outside readiness", () => {
    const specs = specsOf({ livenessProbe: { ...http, successThreshold: 4 }, readinessProbe: { ...http } });
    expect(specs.liveness).toMatchObject({
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(Object.keys(specs)).toEqual(["liveness", "readiness"]);
  });
});

describe("dueProbes", () => {
  const readiness = specsOf({ readinessProbe: { ...http, initialDelaySeconds: 5, periodSeconds: 2 } });
  const both = specsOf({ livenessProbe: { ...http }, readinessProbe: { ...http } });
  const gated = specsOf({
    startupProbe: { ...http, periodSeconds: 1 },
    livenessProbe: { ...http },
    readinessProbe: { ...http },
  });
  it.each<[string, ProbeSpecs, [ProbeKind, ProbeOutcome, number][], number, ProbeKind[]]>([
    ["before the initial delay", readiness, [], 4.9, []],
    ["at the initial delay", readiness, [], 5, ["readiness"]],
    ["within the period after a run", readiness, [["readiness", "success", 5]], 6.9, []],
    ["a period after a run", readiness, [["readiness", "success", 5]], 7, ["readiness"]],
    ["an Unknown result still counts as a run", readiness, [["readiness", "unknown", 5]], 6, []],
    ["liveness and readiness together at start", both, [], 0, ["liveness", "readiness"]],
    ["only the startup probe until it passed", gated, [], 0, ["startup"]],
    ["startup failing: still only startup", gated, [["startup", "failure", 0]], 1, ["startup"]],
    [
      "startup passed: the others, never startup again",
      gated,
      [["startup", "success", 0]],
      1,
      ["liveness", "readiness"],
    ],
  ])("%s", (_what, specs, steps, at, due) => {
    expect(dueProbes(specs, replay(specs, steps), T0 + at * S)).toEqual(due);
  });

  it("says when the next probe is due", () => {
    expect(nextDueAt(readiness, initialProbes(T0))).toBe(T0 + 5 * S);
    expect(nextDueAt(readiness, replay(readiness, [["readiness", "success", 5]]))).toBe(T0 + 7 * S);
    expect(nextDueAt({}, initialProbes(T0))).toBe(Infinity);
  });
});

describe("probeView", () => {
  const none: ProbeSpecs = {};
  const readiness = specsOf({ readinessProbe: { ...http, successThreshold: 2, failureThreshold: 2 } });
  const liveness = specsOf({ livenessProbe: { ...http } });
  const startup = specsOf({ startupProbe: { ...http, failureThreshold: 2 }, livenessProbe: { ...http } });
  const startupOnly = specsOf({ startupProbe: { ...http } });
  type Row = [
    string,
    ProbeSpecs,
    [ProbeKind, ProbeOutcome, number][],
    { started: boolean; ready: boolean; kill?: string },
  ];
  it.each<Row>([
    ["no probes: ready when running", none, [], { started: true, ready: true }],
    ["readiness not run yet: not ready", readiness, [], { started: true, ready: false }],
    [
      "one success below successThreshold 2",
      readiness,
      [["readiness", "success", 0]],
      { started: true, ready: false },
    ],
    [
      "two successes: ready",
      readiness,
      [
        ["readiness", "success", 0],
        ["readiness", "success", 10],
      ],
      { started: true, ready: true },
    ],
    [
      "ready, one failure below failureThreshold 2: still ready",
      readiness,
      [
        ["readiness", "success", 0],
        ["readiness", "success", 10],
        ["readiness", "failure", 20],
      ],
      { started: true, ready: true },
    ],
    [
      "ready, two failures: not ready",
      readiness,
      [
        ["readiness", "success", 0],
        ["readiness", "success", 10],
        ["readiness", "failure", 20],
        ["readiness", "failure", 30],
      ],
      { started: true, ready: false },
    ],
    [
      "Unknown changes nothing",
      readiness,
      [
        ["readiness", "success", 0],
        ["readiness", "success", 10],
        ["readiness", "unknown", 20],
        ["readiness", "unknown", 30],
      ],
      { started: true, ready: true },
    ],
    ["liveness without readiness: ready", liveness, [], { started: true, ready: true }],
    [
      "liveness failed twice: no kill yet",
      liveness,
      [
        ["liveness", "failure", 0],
        ["liveness", "failure", 10],
      ],
      { started: true, ready: true },
    ],
    [
      "liveness failed three times in a row: kill",
      liveness,
      [
        ["liveness", "failure", 0],
        ["liveness", "failure", 10],
        ["liveness", "failure", 20],
      ],
      { started: true, ready: true, kill: "Liveness probe failed: liveness at 20" },
    ],
    [
      "a success in between restarts the count",
      liveness,
      [
        ["liveness", "failure", 0],
        ["liveness", "failure", 10],
        ["liveness", "success", 20],
        ["liveness", "failure", 30],
        ["liveness", "failure", 40],
      ],
      { started: true, ready: true },
    ],
    ["startup not passed: neither started nor ready", startupOnly, [], { started: false, ready: false }],
    [
      "startup passed: started and ready",
      startupOnly,
      [["startup", "success", 0]],
      { started: true, ready: true },
    ],
    [
      "startup failed its threshold: kill",
      startup,
      [
        ["startup", "failure", 0],
        ["startup", "failure", 10],
      ],
      { started: false, ready: false, kill: "Startup probe failed: startup at 10" },
    ],
  ])("%s", (_what, specs, steps, want) => {
    const view = probeView(specs, replay(specs, steps));
    expect({ started: view.started, ready: view.ready, kill: view.kill?.message }).toEqual({
      kill: undefined,
      ...want,
    });
  });

  it("words the last readiness failure while it lasts", () => {
    const steps: [ProbeKind, ProbeOutcome, number][] = [["readiness", "failure", 0]];
    expect(probeView(readiness, replay(readiness, steps)).readinessMessage).toBe(
      "Readiness probe failed: readiness at 0",
    );
    steps.push(["readiness", "success", 10]);
    expect(probeView(readiness, replay(readiness, steps)).readinessMessage).toBeUndefined();
  });
});
