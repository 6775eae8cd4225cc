import { describe, expect, it } from "vitest";
import { boolParam, prettyParam } from "./respond.js";

const q = (text: string): URLSearchParams => new URLSearchParams(text);

describe("boolParam: Kubernetes' parameter codec", () => {
  it.each([
    ["watch=true", true],
    ["watch=True", true],
    ["watch=TRUE", true],
    ["watch=1", true],
    ["watch=t", true],
    ["watch=yes", true],
    // Go's ParseBool would read these as false; Kubernetes' parameter codec does not.
    ["watch=f", true],
    ["watch=F", true],
    ["watch=", true],
    ["watch", true],
    ["watch=false", false],
    ["watch=False", false],
    ["watch=FALSE", false],
    ["watch=fAlSe", false],
    ["watch=0", false],
    ["", false],
    ["other=true", false],
  ])("%s → %s", (text, want) => {
    expect(boolParam(q(text), "watch")).toBe(want);
  });

  it("reads the first of repeated values, as Kubernetes does", () => {
    expect(boolParam(q("watch=0&watch=1"), "watch")).toBe(false);
    expect(boolParam(q("watch=1&watch=0"), "watch")).toBe(true);
  });
});

describe("prettyParam: Go's strconv.ParseBool", () => {
  it.each([
    ["pretty=true", true],
    ["pretty=True", true],
    ["pretty=TRUE", true],
    ["pretty=t", true],
    ["pretty=T", true],
    ["pretty=1", true],
    ["pretty=yes", false],
    ["pretty=tRuE", false],
    ["pretty=", false],
    ["pretty=false", false],
    ["", false],
  ])("%s → %s", (text, want) => {
    expect(prettyParam(q(text))).toBe(want);
  });
});
