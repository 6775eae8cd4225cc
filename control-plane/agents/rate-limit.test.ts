import { describe, expect, it } from "vitest";
import { MessageBudget, TokenBucket } from "./rate-limit.js";

describe("TokenBucket", () => {
  it("allows a burst, then refills at its rate, never above its capacity", () => {
    const b = new TokenBucket(3, 2, 0);
    expect([b.take(1, 0), b.take(1, 0), b.take(1, 0), b.take(1, 0)]).toEqual([true, true, true, false]);
    expect(b.take(1, 499)).toBe(false);
    expect(b.take(1, 500)).toBe(true);
    expect(b.take(3, 60_000)).toBe(true);
    expect(b.take(1, 60_000)).toBe(false);
  });

  it("spend goes into debt and says how long until it is repaid", () => {
    const b = new TokenBucket(100, 50, 0);
    expect(b.spend(100, 0)).toBe(0);
    expect(b.spend(50, 0)).toBe(1000);
    expect(b.spend(0, 1000)).toBe(0);
  });

  it("does not refill when time goes backwards", () => {
    const b = new TokenBucket(1, 1, 10_000);
    expect(b.take(1, 10_000)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
  });
});

describe("MessageBudget", () => {
  const limits = { messagesPerSecond: 10, messageBurst: 20, bytesPerSecond: 1000, byteBurst: 4000 };

  it("closes past the message budget, naming the rate", () => {
    const budget = new MessageBudget(limits, 0);
    const verdicts = Array.from({ length: 21 }, () => budget.messageReceived(1, 0));
    expect(verdicts.slice(0, 20).every((v) => v === undefined)).toBe(true);
    expect(verdicts[20]).toBe("more than 10 messages per second");
    expect(budget.messageReceived(1, 100)).toBeUndefined();
  });

  it("a costlier message uses more of the budget", () => {
    const budget = new MessageBudget(limits, 0);
    expect(budget.messageReceived(20, 0)).toBeUndefined();
    expect(budget.messageReceived(1, 0)).toBeDefined();
  });

  it("past the byte budget, pauses for as long as the bytes take to refill", () => {
    const budget = new MessageBudget(limits, 0);
    expect(budget.bytesReceived(4000, 0)).toBe(0);
    expect(budget.bytesReceived(500, 0)).toBe(500);
    expect(budget.bytesReceived(0, 500)).toBe(0);
  });
});
