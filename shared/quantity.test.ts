import { describe, expect, it } from "vitest";
import { EverynodeError } from "./errors.js";
import {
  cpuToMillis,
  cpuToNanoCpus,
  formatCpuMillis,
  isValidQuantity,
  memoryToBytes,
  parseQuantity,
} from "./quantity.js";

describe("parseQuantity", () => {
  it.each<[string | number, number]>([
    ["500m", 0.5],
    ["2", 2],
    [2, 2],
    [0.25, 0.25],
    ["0.1", 0.1],
    [".5", 0.5],
    ["100n", 1e-7],
    ["1k", 1000],
    ["128Mi", 128 * 1024 * 1024],
    ["512Ki", 512 * 1024],
    ["1G", 1e9],
    ["1Gi", 2 ** 30],
    ["2Ti", 2 * 2 ** 40],
    ["1e3", 1000],
    ["1E3", 1000],
    ["5e-3", 0.005],
    ["+1", 1],
    ["-1Gi", -(2 ** 30)],
    ["0", 0],
  ])("%j → %d", (q, value) => {
    expect(parseQuantity(q)).toBeCloseTo(value, 12);
  });

  it.each(["", "one", "1MB", "1.2.3", "Mi", "1 Gi", "1gi", ".", "1e", "1ee3", "0x10", "Infinity"])(
    "%j is refused",
    (q) => {
      expect(isValidQuantity(q)).toBe(false);
      expect(() => parseQuantity(q)).toThrow(EverynodeError);
      try {
        parseQuantity(q);
      } catch (e) {
        expect((e as EverynodeError).code).toBe("Invalid");
        expect((e as EverynodeError).message).toBe(
          `invalid quantity ${JSON.stringify(q)}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
        );
      }
    },
  );

  it.each([NaN, Infinity])("the number %d is refused", (q) => {
    expect(isValidQuantity(q)).toBe(false);
  });
});

describe("agent conversions", () => {
  it.each<[string | number, number, number]>([
    ["500m", 500, 500_000_000],
    ["1", 1000, 1_000_000_000],
    [2, 2000, 2_000_000_000],
    ["0.1", 100, 100_000_000],
    ["1.5", 1500, 1_500_000_000],
    ["100u", 1, 1_000_000],
    ["250m", 250, 250_000_000],
  ])("cpu %j → %d millis, %d NanoCpus", (q, millis, nanos) => {
    expect(cpuToMillis(q)).toBe(millis);
    expect(cpuToNanoCpus(q)).toBe(nanos);
  });

  it.each<[string | number, number]>([
    ["128Mi", 134_217_728],
    ["1G", 1_000_000_000],
    ["1.1Gi", 1_181_116_007],
    ["1e3", 1000],
    ["512Ki", 524_288],
    [1024, 1024],
    ["100m", 1],
  ])("memory %j → %d bytes", (q, bytes) => {
    expect(memoryToBytes(q)).toBe(bytes);
  });

  it.each<[number, string]>([
    [500, "500m"],
    [1000, "1"],
    [2000, "2"],
    [1500, "1500m"],
    [0, "0"],
  ])("formatCpuMillis(%d) → %s", (millis, text) => {
    expect(formatCpuMillis(millis)).toBe(text);
  });
});
