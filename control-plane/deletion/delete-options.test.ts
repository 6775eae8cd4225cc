import { describe, expect, it } from "vitest";
import { isEverynodeError } from "../../shared/errors.js";
import { parseDeleteOptions } from "./delete-options.js";

function failure(fn: () => unknown): { status: number; message: string; fields: string[] } {
  try {
    fn();
  } catch (e) {
    if (!isEverynodeError(e)) throw e;
    return {
      status: e.httpStatus,
      message: e.message,
      fields: (e.details?.causes ?? []).map((c) => c.field ?? ""),
    };
  }
  throw new Error("expected a failure");
}

describe("parseDeleteOptions", () => {
  it.each<[string, string, Record<string, unknown> | undefined, Record<string, unknown>]>([
    ["nothing", "", undefined, {}],
    ["the query's grace period", "gracePeriodSeconds=5", undefined, { gracePeriodSeconds: 5 }],
    ["the query's policy", "propagationPolicy=Foreground", undefined, { propagationPolicy: "Foreground" }],
    ["the query's orphanDependents", "orphanDependents=true", undefined, { orphanDependents: true }],
    ["the body over the query", "gracePeriodSeconds=5", { gracePeriodSeconds: 0 }, { gracePeriodSeconds: 0 }],
    [
      "kubectl's body",
      "",
      { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", gracePeriodSeconds: -1 },
      { propagationPolicy: "Background", gracePeriodSeconds: -1 },
    ],
    [
      "preconditions",
      "",
      { preconditions: { uid: "u1", resourceVersion: "7" } },
      { preconditions: { uid: "u1", resourceVersion: "7" } },
    ],
    ["empty preconditions", "", { preconditions: { uid: "" } }, { preconditions: {} }],
    ["dryRun, read elsewhere", "", { dryRun: ["All"] }, {}],
  ])("reads %s", (_name, query, body, expected) => {
    expect(parseDeleteOptions(new URLSearchParams(query), body)).toEqual(expected);
  });

  it.each<[string, string, Record<string, unknown> | undefined, number, string[]]>([
    ["an unknown policy", "propagationPolicy=Sometimes", undefined, 422, ["propagationPolicy"]],
    [
      "both orphanDependents and a policy",
      "orphanDependents=false&propagationPolicy=Orphan",
      undefined,
      422,
      ["propagationPolicy"],
    ],
    ["a grace period that is no integer", "gracePeriodSeconds=soon", undefined, 400, []],
    ["a fractional grace period in the body", "", { gracePeriodSeconds: 1.5 }, 400, []],
    ["an orphanDependents that is no boolean", "orphanDependents=maybe", undefined, 400, []],
    ["an unknown body field", "", { gracePeriod: 3 }, 400, []],
    ["an unknown precondition", "", { preconditions: { generation: 3 } }, 400, []],
    [
      "the unsafe corrupt-object deletion",
      "",
      { ignoreStoreReadErrorWithClusterBreakingPotential: true },
      422,
      ["ignoreStoreReadErrorWithClusterBreakingPotential"],
    ],
  ])("refuses %s", (_name, query, body, status, fields) => {
    const f = failure(() => parseDeleteOptions(new URLSearchParams(query), body));
    expect(f.status).toBe(status);
    expect(f.fields).toEqual(fields);
  });

  it("names the unknown field", () => {
    expect(failure(() => parseDeleteOptions(new URLSearchParams(), { gracePeriod: 3 })).message).toContain(
      'unknown field "gracePeriod"',
    );
  });
});
