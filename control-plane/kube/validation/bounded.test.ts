import { describe, expect, it } from "vitest";
import type { FieldError } from "../../../shared/errors.js";
import { boundedList, boundedString, knownObject, parseRfc3339, timestampField } from "./bounded.js";

describe("parseRfc3339", () => {
  it.each([
    ["2026-01-01T00:00:00Z", Date.UTC(2026, 0, 1)],
    ["2026-01-01t00:00:00z", Date.UTC(2026, 0, 1)],
    ["2026-01-01T00:00:00.123456789Z", Date.UTC(2026, 0, 1) + 123],
    ["2026-01-01T02:00:00+02:00", Date.UTC(2026, 0, 1)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
  ])("reads %s", (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    "not-a-date",
    "",
    "2026-01-01",
    "2026-01-01 00:00:00Z",
    "2026-01-01T00:00:00",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00.Z",
    "+275760-09-13T00:00:00Z",
    "1767225600",
  ])("refuses %j", (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it("answers the same when asked again, also after hundreds of other timestamps", () => {
    const second = (i: number): string =>
      new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace(".000Z", "Z");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) expect(parseRfc3339(second(i))).toBe(Date.UTC(2026, 0, 1) + i * 1000);
      expect(parseRfc3339("2026-02-30T00:00:00Z")).toBeUndefined();
      expect(parseRfc3339(`2026-01-01T00:00:00${"0".repeat(40)}Z`)).toBeUndefined();
    }
  });
});

describe("bounded fields", () => {
  const run = <T>(f: (errs: FieldError[]) => T): { value: T; errs: FieldError[] } => {
    const errs: FieldError[] = [];
    return { value: f(errs), errs };
  };

  it("boundedString counts UTF-8 bytes, not characters", () => {
    expect(run((e) => boundedString("ééé", "f", 6, e))).toEqual({ value: "ééé", errs: [] });
    expect(run((e) => boundedString("éééé", "f", 6, e)).errs).toEqual([
      { type: "FieldValueTooLong", field: "f", message: "Too long: may not be longer than 6" },
    ]);
  });

  it("boundedString: types, required", () => {
    expect(run((e) => boundedString(5, "f", 10, e)).errs[0]).toMatchObject({
      type: "FieldValueTypeInvalid",
      message: "Invalid value: 5: must be a string",
    });
    expect(run((e) => boundedString(undefined, "f", 10, e, { required: true })).errs[0]).toMatchObject({
      type: "FieldValueRequired",
    });
    expect(run((e) => boundedString(undefined, "f", 10, e)).errs).toEqual([]);
  });

  it("boundedList refuses a list over its count without reading it", () => {
    const { value, errs } = run((e) => boundedList(new Array(11).fill(0), "l", 10, e));
    expect(value).toEqual([]);
    expect(errs).toEqual([
      { type: "FieldValueTooMany", field: "l", message: "Too many: 11: must have at most 10 items" },
    ]);
    expect(run((e) => boundedList("x", "l", 10, e)).errs[0]?.type).toBe("FieldValueTypeInvalid");
  });

  it("knownObject names each unknown key", () => {
    expect(run((e) => knownObject({ a: 1, b: 2, c: 3 }, "o", ["a"], e)).errs.map((x) => x.field)).toEqual([
      "o.b",
      "o.c",
    ]);
  });

  it("timestampField refuses what does not parse, and overlong values without quoting them whole", () => {
    expect(run((e) => timestampField("not-a-date", "t", e)).errs).toEqual([
      {
        type: "FieldValueInvalid",
        field: "t",
        message: 'Invalid value: "not-a-date": must be an RFC 3339 timestamp',
      },
    ]);
    expect(run((e) => timestampField(12, "t", e)).errs[0]?.type).toBe("FieldValueTypeInvalid");
    const long = run((e) => timestampField("2026-01-01T00:00:00Z".repeat(1000), "t", e)).errs;
    expect(long[0]?.message.length).toBeLessThan(100);
    expect(run((e) => timestampField("2026-01-01T00:00:00Z", "t", e))).toEqual({
      value: Date.UTC(2026, 0, 1),
      errs: [],
    });
  });
});
