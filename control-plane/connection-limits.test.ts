import { describe, expect, it } from "vitest";
import { ConnectionCounter, DEFAULT_CONNECTION_LIMITS, serverTimeoutOptions } from "./connection-limits.js";

describe("ConnectionCounter", () => {
  it("admits up to the cap per address, and again once one closes", () => {
    const c = new ConnectionCounter(2);
    expect([c.admit("10.0.0.1"), c.admit("10.0.0.1"), c.admit("10.0.0.1")]).toEqual([true, true, false]);
    expect(c.admit("10.0.0.2")).toBe(true);
    c.release("10.0.0.1");
    expect(c.count("10.0.0.1")).toBe(1);
    expect(c.admit("10.0.0.1")).toBe(true);
    expect(c.admit("10.0.0.1")).toBe(false);
  });

  it("forgets an address whose connections all closed", () => {
    const c = new ConnectionCounter(1);
    c.admit("::1");
    c.release("::1");
    expect(c.count("::1")).toBe(0);
    expect(c.admit("::1")).toBe(true);
  });

  it("has no cap at 0", () => {
    const c = new ConnectionCounter(0);
    for (let i = 0; i < 10_000; i++) expect(c.admit("10.0.0.1")).toBe(true);
  });
});

describe("serverTimeoutOptions", () => {
  it("maps the limits onto Node.js' server options", () => {
    expect(serverTimeoutOptions(DEFAULT_CONNECTION_LIMITS)).toEqual({
      handshakeTimeout: 30_000,
      headersTimeout: 30_000,
      requestTimeout: 60_000,
      keepAliveTimeout: 90_000,
      connectionsCheckingInterval: 3_000,
    });
  });

  it.each<[number, number, number]>([
    [500, 1_000, 100],
    [2_000, 1_000_000, 200],
    [600_000, 600_000, 5_000],
  ])("checks deadlines of %d and %d ms every %d ms", (header, request, interval) => {
    const limits = { ...DEFAULT_CONNECTION_LIMITS, headerTimeoutMs: header, requestTimeoutMs: request };
    expect(serverTimeoutOptions(limits).connectionsCheckingInterval).toBe(interval);
  });
});
