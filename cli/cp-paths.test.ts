import path from "node:path";
import { describe, expect, it } from "vitest";
import { localPathOf, parsePodPath } from "./cp-paths.js";

describe("cp arguments", () => {
  it.each([
    ["web-1:/tmp/x", { pod: "web-1", path: "/tmp/x" }],
    ["kube-system/web-1:/tmp/x", { namespace: "kube-system", pod: "web-1", path: "/tmp/x" }],
    ["./a:b", undefined],
    ["dir/sub/a:b", undefined],
    ["local.txt", undefined],
    ["/abs/path", undefined],
  ])("reads %s", (arg, want) => expect(parsePodPath(arg)).toEqual(want));

  it("refuses a pod without a path", () => {
    expect(() => parsePodPath("web-1:")).toThrow(/names no path/);
  });
});

describe("where a pod's archive entry lands", () => {
  const dest = path.resolve("/tmp/back");
  it.each([
    ["in", dest],
    ["in/a.txt", path.join(dest, "a.txt")],
    ["./in/sub/b.txt", path.join(dest, "sub", "b.txt")],
    ["in/../../etc/passwd", undefined],
    ["/in/a.txt", undefined],
    ["other/a.txt", undefined],
  ])("%s", (name, want) => expect(localPathOf(name, "in", dest)).toBe(want));
});
