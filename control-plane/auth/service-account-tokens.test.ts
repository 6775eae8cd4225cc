import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { openStore } from "../store/index.js";
import { API_AUDIENCE, ServiceAccountTokens } from "./service-account-tokens.js";

describe("ServiceAccountTokens", () => {
  const clock = new FakeClock();
  const store = openStore({ path: ":memory:", clock });
  const key = Buffer.alloc(32, 7);
  const tokens = new ServiceAccountTokens({ store, clock, signingKey: key });
  const sa = store.create("serviceaccounts", { metadata: { name: "bot", namespace: "default" } });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

  it("accepts its own tokens for the API's audience only", () => {
    expect(tokens.authenticate(tokens.issue(sa).token)).toMatchObject({
      kind: "serviceaccount",
      name: "bot",
    });
    expect(tokens.authenticate(tokens.issue(sa, { audiences: ["vault"] }).token)).toBeUndefined();
    expect(tokens.verify(tokens.issue(sa, { audiences: ["vault"] }).token, "vault")).toBeDefined();
  });

  it("refuses unsigned tokens, other keys and other algorithms", () => {
    const [, body] = tokens.issue(sa).token.split(".");
    expect(tokens.authenticate(`${b64({ alg: "none" })}.${body}.`)).toBeUndefined();
    const other = new ServiceAccountTokens({ store, clock, signingKey: Buffer.alloc(32, 8) });
    expect(tokens.authenticate(other.issue(sa).token)).toBeUndefined();
    const head = b64({ alg: "HS512", typ: "JWT" });
    const mac = createHmac("sha256", key).update(`${head}.${body}`).digest("base64url");
    expect(tokens.authenticate(`${head}.${body}.${mac}`)).toBeUndefined();
    expect(tokens.authenticate("abcdef.0123456789abcdef")).toBeUndefined();
    expect(API_AUDIENCE).toMatch(/^https:/);
  });
});
