import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import {
  decodeContinue,
  encodeContinue,
  matchesFilter,
  paginate,
  parseFilter,
  parseLimit,
} from "./list-options.js";

const obj = (namespace: string, name: string, labels: Record<string, string> = {}): KubeObject => ({
  metadata: { namespace, name, labels },
});

const items = [obj("b", "x"), obj("a", "z"), obj("a", "y"), obj("c", "w")];

describe("paginate", () => {
  it("returns everything, sorted, without a limit", () => {
    const page = paginate(items, 9, undefined, undefined);
    expect(page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "a/y",
      "a/z",
      "b/x",
      "c/w",
    ]);
    expect(page.continueToken).toBeUndefined();
  });

  it("walks all pages with limit and continue, keeping the first page's revision", () => {
    const seen: string[] = [];
    let token: string | undefined;
    let revision = 9;
    for (let i = 0; i < 10; i++) {
      const page = paginate(items, revision, 3, token);
      seen.push(...page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
      expect(page.revision).toBe(9);
      token = page.continueToken;
      revision = 20; // the store moved on; the token keeps the list's revision
      if (!token) break;
    }
    expect(seen).toEqual(["a/y", "a/z", "b/x", "c/w"]);
  });

  it("counts what remains", () => {
    expect(paginate(items, 1, 1, undefined).remainingItemCount).toBe(3);
  });
});

describe("continue tokens", () => {
  it("round-trip", () => {
    expect(decodeContinue(encodeContinue({ revision: 5, namespace: "ns", name: "n" }))).toEqual({
      revision: 5,
      namespace: "ns",
      name: "n",
    });
  });

  it.each(["garbage", "", Buffer.from('{"v":2}').toString("base64url")])("rejects %j with a 400", (token) => {
    try {
      decodeContinue(token);
      expect.unreachable();
    } catch (e) {
      expect((e as EverynodeError).httpStatus).toBe(400);
    }
  });
});

describe("parseLimit", () => {
  it.each<[string, number | undefined]>([
    ["", undefined],
    ["limit=500", 500],
    ["limit=0", 0],
  ])("%s", (query, expected) => {
    expect(parseLimit(new URLSearchParams(query))).toBe(expected);
  });

  it("rejects a negative limit", () => {
    expect(() => parseLimit(new URLSearchParams("limit=-1"))).toThrow(EverynodeError);
  });
});

describe("matchesFilter", () => {
  it.each<[string, KubeObject, boolean]>([
    ["labelSelector=app%3Dweb", obj("a", "n", { app: "web" }), true],
    ["labelSelector=app%3Dweb", obj("a", "n", { app: "db" }), false],
    ["fieldSelector=metadata.name%3Dn", obj("a", "n"), true],
    ["fieldSelector=metadata.name%3Dn", obj("a", "m"), false],
    ["fieldSelector=metadata.namespace%3Da,metadata.name%3Dn", obj("a", "n"), true],
  ])("%s", (query, object, expected) => {
    const filter = parseFilter(new URLSearchParams(query), "daemonsets", {});
    expect(matchesFilter(filter, object)).toBe(expected);
  });

  it("keeps to the namespace of the URL", () => {
    const filter = parseFilter(new URLSearchParams(), "daemonsets", { namespace: "a" });
    expect(matchesFilter(filter, obj("a", "n"))).toBe(true);
    expect(matchesFilter(filter, obj("b", "n"))).toBe(false);
  });
});
