import { describe, expect, it } from "vitest";
import { EverynodeError, errors } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { statusFor } from "./error-handler.js";

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = {
    lines,
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (msg: string) => lines.push(msg),
    child: () => logger,
  };
  return logger;
}

describe("statusFor", () => {
  it.each<[string, EverynodeError, number, string]>([
    ["not found", errors.notFound("daemonsets", "x", "apps"), 404, "NotFound"],
    ["conflict", errors.conflict("nodes", "n"), 409, "Conflict"],
    ["too large", new EverynodeError("RequestEntityTooLarge", "too big"), 413, "RequestEntityTooLarge"],
    ["expired", errors.expired(), 410, "Expired"],
  ])("maps %s to its code and reason without logging", (_name, err, code, reason) => {
    const logger = recordingLogger();
    const { code: http, status } = statusFor(err, logger);
    expect([http, status.reason, status.code, status.kind]).toEqual([code, reason, code, "Status"]);
    expect(logger.lines).toEqual([]);
  });

  it("turns anything else into one logged 500 InternalError", () => {
    const logger = recordingLogger();
    const { code, status } = statusFor(new TypeError("x is undefined"), logger);
    expect(code).toBe(500);
    expect(status).toMatchObject({
      reason: "InternalError",
      message: "Internal error occurred: x is undefined",
    });
    expect(logger.lines).toHaveLength(1);
  });
});
