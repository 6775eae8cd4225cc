import { describe, expect, it } from "vitest";
import { decodeClientFrame, encodeFrame, endStatus, pickProtocol } from "./channel-protocol.js";

describe("the exec channel protocol", () => {
  it.each([
    ["v5.channel.k8s.io, v4.channel.k8s.io", "v5.channel.k8s.io"],
    ["v4.channel.k8s.io,channel.k8s.io", "v4.channel.k8s.io"],
    ["channel.k8s.io", undefined],
    [undefined, undefined],
  ])("picks a subprotocol from %s", (offered, picked) => {
    expect(pickProtocol(offered, ["v5.channel.k8s.io", "v4.channel.k8s.io"])).toBe(picked);
  });

  it.each([
    [[0, 104, 105], "v5.channel.k8s.io", { kind: "stdin", data: Buffer.from("hi") }],
    [
      [4, ...Buffer.from('{"Width":80,"Height":24}')],
      "v4.channel.k8s.io",
      { kind: "resize", width: 80, height: 24 },
    ],
    [[4, ...Buffer.from('{"Width":-1}')], "v5.channel.k8s.io", { kind: "ignored", why: "malformed resize" }],
    [[255, 0], "v5.channel.k8s.io", { kind: "closeStdin" }],
    [[255, 0], "v4.channel.k8s.io", { kind: "ignored", why: "channel 255" }],
    [[], "v5.channel.k8s.io", { kind: "ignored", why: "empty message" }],
  ])("decodes %j (%s)", (bytes, protocol, frame) => {
    expect(decodeClientFrame(Buffer.from(bytes), protocol)).toEqual(frame);
  });

  it("puts the channel byte first", () => {
    expect([...encodeFrame(2, Buffer.from("x"))]).toEqual([2, 120]);
  });

  it("words the end as the kubelet does", () => {
    expect(endStatus(["true"], 0)).toEqual({ metadata: {}, status: "Success" });
    expect(endStatus(["sh", "-c", "exit 3"], 3)).toMatchObject({
      status: "Failure",
      reason: "NonZeroExitCode",
      details: { causes: [{ reason: "ExitCode", message: "3" }] },
    });
  });
});
