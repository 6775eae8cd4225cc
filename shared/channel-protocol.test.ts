import { describe, expect, it } from "vitest";
import {
  closeStdinFrame,
  commandEnd,
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  endStatus,
  pickProtocol,
  resizeFrame,
} from "./channel-protocol.js";

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

describe("the client's side of the channel protocol", () => {
  it("says what the server decodes", () => {
    expect(decodeClientFrame(resizeFrame(80, 24), "v5.channel.k8s.io")).toEqual({
      kind: "resize",
      width: 80,
      height: 24,
    });
    expect(decodeClientFrame(closeStdinFrame(), "v5.channel.k8s.io")).toEqual({ kind: "closeStdin" });
    expect(decodeServerFrame(encodeFrame(2, Buffer.from("err")))).toEqual({
      channel: 2,
      data: Buffer.from("err"),
    });
    expect(decodeServerFrame(Buffer.alloc(0))).toBeUndefined();
  });

  it.each([
    [endStatus(["true"], 0), { exitCode: 0 }],
    [endStatus(["sh", "-c", "exit 3"], 3), { exitCode: 3 }],
    [{ status: "Failure", message: "container not found" }, { error: "container not found" }],
  ])("reads the end of the command from the server's Status %#", (status, want) => {
    expect(commandEnd(JSON.stringify(status))).toEqual(want);
  });
});
