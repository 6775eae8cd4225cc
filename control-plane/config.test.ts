import { describe, expect, it } from "vitest";
import { parseServerArgs } from "./config.js";
import { DEFAULT_CONNECTION_LIMITS } from "./connection-limits.js";

const base = ["--data-dir", "/tmp/everynode-config-test"];

describe("parseServerArgs: connection limits", () => {
  it("defaults to DEFAULT_CONNECTION_LIMITS", () => {
    expect(parseServerArgs(base).config.connectionLimits).toEqual(DEFAULT_CONNECTION_LIMITS);
  });

  it("reads the flags", () => {
    const { config } = parseServerArgs([
      ...base,
      "--header-timeout=500ms",
      "--request-read-timeout=2s",
      "--idle-timeout=1m",
      "--max-connections-per-ip=0",
    ]);
    expect(config.connectionLimits).toEqual({
      headerTimeoutMs: 500,
      requestTimeoutMs: 2_000,
      idleTimeoutMs: 60_000,
      maxConnectionsPerIp: 0,
    });
  });

  it.each<[string[], RegExp]>([
    [["--header-timeout=0s"], /--header-timeout must be longer than 0/],
    [["--idle-timeout=soon"], /--idle-timeout: invalid duration/],
    [["--max-connections-per-ip=-1"], /--max-connections-per-ip must be a whole number/],
    [["--max-connections-per-ip=1.5"], /--max-connections-per-ip must be a whole number/],
    [["--header-timeout=2m"], /--header-timeout may not be longer than --request-read-timeout/],
  ])("refuses %j", (args, message) => {
    expect(() => parseServerArgs([...base, ...args])).toThrow(message);
  });
});

describe("parseServerArgs: logs", () => {
  it("writes text lines unless told json", () => {
    expect(parseServerArgs(base).config.logFormat).toBe("text");
    expect(parseServerArgs([...base, "--log-format=json"]).config.logFormat).toBe("json");
  });

  it("refuses another format", () => {
    expect(() => parseServerArgs([...base, "--log-format=logfmt"])).toThrow(
      /--log-format must be text or json, not "logfmt"/,
    );
  });
});

describe("parseServerArgs: kubectl top", () => {
  it.each<[string[], number]>([
    [[], 15],
    [["--metrics-resolution=2s"], 2],
    [["--metrics-resolution=1m"], 60],
  ])("samples usage every %j", (args, seconds) => {
    expect(parseServerArgs([...base, ...args]).config.metricsResolutionSeconds).toBe(seconds);
  });

  it("refuses a resolution that is no duration", () => {
    expect(() => parseServerArgs([...base, "--metrics-resolution=often"])).toThrow(/--metrics-resolution/);
  });
});

describe("parseServerArgs: heartbeats", () => {
  it("caps the fleet at 500 heartbeats a second unless told", () => {
    expect(parseServerArgs(base).config.maxHeartbeatsPerSecond).toBe(500);
    expect(parseServerArgs([...base, "--max-heartbeats-per-second=0"]).config.maxHeartbeatsPerSecond).toBe(0);
    expect(parseServerArgs([...base, "--max-heartbeats-per-second=2.5"]).config.maxHeartbeatsPerSecond).toBe(
      2.5,
    );
  });

  it.each(["-1", "many", "Infinity"])("refuses --max-heartbeats-per-second=%s", (value) => {
    expect(() => parseServerArgs([...base, `--max-heartbeats-per-second=${value}`])).toThrow(
      /--max-heartbeats-per-second must be a number ≥ 0/,
    );
  });
});

describe("parseServerArgs: node podCIDRs", () => {
  it("allocates none unless --cluster-cidr is given", () => {
    expect(parseServerArgs(base).config.clusterCidr).toBeUndefined();
  });

  it("reads --cluster-cidr and --node-cidr-mask-size", () => {
    const args = [...base, "--cluster-cidr", "10.244.0.0/16", "--node-cidr-mask-size", "25"];
    expect(parseServerArgs(args).config.clusterCidr).toEqual({ base: 0x0af40000, prefix: 16, nodeMask: 25 });
  });

  it("refuses a mask wider than the range", () => {
    const args = [...base, "--cluster-cidr", "10.244.0.0/24", "--node-cidr-mask-size", "16"];
    expect(() => parseServerArgs(args)).toThrow(/--node-cidr-mask-size/);
  });
});
