// The fuzz campaign that stays in the suite: property-based hostile input against a real
// `everynode server` (its own process, real HTTPS and WebSockets). No 5xx ever; a refused
// request changes nothing; accepted writes store only well-formed objects; neither requests
// nor agent sessions block the server's event loop or fill its log; the heap stays bounded.
// Then the campaign's findings, one test each.
//
// CI runs a fixed seed and a few runs per property. A long run:
//   FUZZ_RUNS=20000 FUZZ_SEED=random npm run fuzz
// prints its seed; replay a failure with FUZZ_SEED=<seed> FUZZ_PATH=<path> (FUZZ_SHRINK=1 to
// shrink the counterexample, slower).

import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentScript } from "./fuzz/agent-messages.js";
import { checkSession } from "./fuzz/agent-session.js";
import { bodyRequest, bombRequest, jsonPatchRequest, objectPatchRequest } from "./fuzz/http-requests.js";
import type { FuzzRequest } from "./fuzz/http-requests.js";
import { queryRequest } from "./fuzz/query-requests.js";
import { FuzzTarget, printable, STALL_BUDGET_MS } from "./fuzz/target.js";
import { campaignFindings } from "./fuzz/findings.js";

const SEED =
  process.env.FUZZ_SEED === "random" || process.env.FUZZ_SEED === ""
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
/** The server's heap may grow this much over the whole run. */
const HEAP_BUDGET_MB = 200;

/** `share`: the part of a long run's FUZZ_RUNS a slow property takes (agent sessions, bombs). */
function runsOf(ciRuns: number, share = 1): number {
  return RUNS === undefined ? ciRuns : Math.max(1, Math.round(RUNS * share));
}

function params(ciRuns: number, share = 1): fc.Parameters<unknown> {
  const p: fc.Parameters<unknown> = {
    seed: SEED,
    numRuns: runsOf(ciRuns, share),
    // A request that kills the server makes every later run fail: report the first failure as
    // found (with its seed and path) unless asked to shrink it.
    endOnFailure: process.env.FUZZ_SHRINK !== "1",
  };
  if (process.env.FUZZ_PATH) p.path = process.env.FUZZ_PATH;
  return p;
}

function timeout(ciRuns: number, msPerRun: number, share = 1): number {
  return Math.max(60_000, runsOf(ciRuns, share) * msPerRun * 3);
}

describe("the fuzz campaign", () => {
  const target = new FuzzTarget();

  beforeAll(async () => {
    console.log(
      `fuzz: seed=${SEED} runs=${RUNS ?? "CI defaults"} (replay: FUZZ_SEED=${SEED} [FUZZ_PATH=...] npm run fuzz)`,
    );
    await target.start();
  });
  beforeEach(async () => {
    await target.ensureRunning();
  });
  afterAll(async () => {
    await target.stop();
  });

  const httpProperty = (arb: fc.Arbitrary<FuzzRequest>) =>
    fc.asyncProperty(arb.map(printable), async (req) => {
      await target.check(req);
    });

  it(
    "create and replace bodies: no 5xx, refusals change nothing, only well-formed objects are stored",
    async () => {
      await fc.assert(httpProperty(bodyRequest(target.targets)), params(300));
    },
    timeout(300, 60),
  );

  it(
    "JSON patches: no 5xx, refusals change nothing",
    async () => {
      await fc.assert(httpProperty(jsonPatchRequest(target.targets)), params(200));
    },
    timeout(200, 60),
  );

  it(
    "merge, strategic merge and apply patches: no 5xx, refusals change nothing",
    async () => {
      await fc.assert(httpProperty(objectPatchRequest(target.targets)), params(300));
    },
    timeout(300, 60),
  );

  it(
    "JSON patch copy and move bombs are refused without harm",
    async () => {
      await fc.assert(httpProperty(bombRequest(target.targets)), params(5, 0.05));
    },
    timeout(5, 4000, 0.05),
  );

  it(
    "selectors and query parameters: no 5xx, and a node lists only its own pods",
    async () => {
      await fc.assert(httpProperty(queryRequest(target.targets)), params(150));
    },
    timeout(150, 60),
  );

  it(
    "agent WebSocket sessions: the server survives, reads work, the store stays well-formed",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          agentScript(target.wsPod).map((frames) =>
            printable({ frames, summary: frames.map((f) => f.summary).join(" | ") }),
          ),
          async ({ frames }) => {
            await checkSession(target, frames);
          },
        ),
        params(40, 0.1),
      );
    },
    timeout(40, 500, 0.1),
  );

  campaignFindings(target);

  it(`no request blocked the server's event loop for more than ${STALL_BUDGET_MS} ms`, () => {
    const slowest = [...target.measurements].sort((a, b) => b.blockedMs - a.blockedMs);
    console.log(
      `fuzz: ${target.measurements.length} measured; slowest: ${slowest
        .slice(0, 3)
        .map(
          (m) =>
            `${m.blockedMs.toFixed(0)} ms (loop ${m.maxDelayMs.toFixed(0)}, cpu ${m.cpuMs.toFixed(0)}, gc ${m.gcMaxMs.toFixed(0)}) ${m.summary.slice(0, 120)}`,
        )
        .join("; ")}`,
    );
    const stalls = slowest.filter((m) => m.blockedMs > STALL_BUDGET_MS);
    expect(
      stalls.map(
        (m) =>
          `${Number.isFinite(m.blockedMs) ? `${m.blockedMs.toFixed(0)} ms` : "killed or hung the server"}: ${m.summary.slice(0, 400)}`,
      ),
      "requests that blocked the server",
    ).toEqual([]);
  });

  it(`the server's heap grew by less than ${HEAP_BUDGET_MB} MB and it never died`, async () => {
    expect(target.deaths, "the server died during the run").toEqual([]);
    const heap = (await target.server.stats({ gc: true })).heapUsedMb;
    expect(heap - target.heapAtStartMb).toBeLessThan(HEAP_BUDGET_MB);
  });
});
