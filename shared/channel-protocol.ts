// Kubernetes' WebSocket channel protocols for exec and attach (v4.channel.k8s.io and
// v5.channel.k8s.io), both ends (the server's streams and the CLI's exec, cp and
// port-forward), pure: each binary message is one channel byte then data. Client to
// server: 0 stdin, 4 resize ({"Width":W,"Height":H}), and in v5 255 + channel to close one
// (stdin's EOF). Server to client: 1 stdout, 2 stderr, 3 the error channel, which carries a
// v1 Status once the command ended (with the exit code, so kubectl prints `command
// terminated with exit code N` and exits with N).

import type { EverynodeError } from "./errors.js";

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The exec/attach subprotocols everynode speaks, best first. */
export const EXEC_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;

/** The subprotocol to answer from the client's list (Sec-WebSocket-Protocol), or undefined. */
export function pickProtocol(offered: string | undefined, supported: readonly string[]): string | undefined {
  const list = (offered ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return supported.find((p) => list.includes(p));
}

export type ClientFrame =
  | { kind: "stdin"; data: Buffer }
  | { kind: "resize"; width: number; height: number }
  | { kind: "closeStdin" }
  | { kind: "ignored"; why: string };

/** What one message from the client means. */
export function decodeClientFrame(message: Buffer, protocol: string): ClientFrame {
  if (message.length === 0) return { kind: "ignored", why: "empty message" };
  const channel = message[0]!;
  const data = message.subarray(1);
  if (channel === CHANNEL.stdin) return { kind: "stdin", data };
  if (channel === CHANNEL.resize) {
    try {
      const size = JSON.parse(data.toString("utf8")) as { Width?: unknown; Height?: unknown };
      const width = Number(size.Width);
      const height = Number(size.Height);
      if (
        Number.isInteger(width) &&
        Number.isInteger(height) &&
        width >= 0 &&
        height >= 0 &&
        width < 65536 &&
        height < 65536
      )
        return { kind: "resize", width, height };
    } catch {
      // fall through
    }
    return { kind: "ignored", why: "malformed resize" };
  }
  if (channel === CHANNEL.close && protocol === "v5.channel.k8s.io" && data[0] === CHANNEL.stdin)
    return { kind: "closeStdin" };
  return { kind: "ignored", why: `channel ${channel}` };
}

/** One message to the client. */
export function encodeFrame(channel: number, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = channel;
  data.copy(out, 1);
  return out;
}

/** The Status the error channel carries at the end, as the kubelet words it. */
export function endStatus(command: readonly string[], exitCode?: number, error?: EverynodeError): object {
  if (error)
    return { metadata: {}, status: "Failure", message: error.message, reason: "InternalError", code: 500 };
  if (exitCode === undefined || exitCode === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exitCode}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
  };
}

/** A resize message (client to server). */
export function resizeFrame(width: number, height: number): Buffer {
  return encodeFrame(CHANNEL.resize, Buffer.from(JSON.stringify({ Width: width, Height: height })));
}

/** v5's close of stdin: the command sees EOF (v4 has no way to say it). */
export function closeStdinFrame(): Buffer {
  return Buffer.from([CHANNEL.close, CHANNEL.stdin]);
}

/** One message from the server: its channel and data; undefined for an empty one. */
export function decodeServerFrame(message: Buffer): { channel: number; data: Buffer } | undefined {
  if (message.length === 0) return undefined;
  return { channel: message[0]!, data: message.subarray(1) };
}

/**
 * What the error channel's Status says of the command's end: its exit code (0 on Success),
 * or the failure's message when it did not run to an exit code.
 */
export function commandEnd(statusText: string): { exitCode: number } | { error: string } {
  let status: { status?: string; message?: string; reason?: string; details?: { causes?: unknown } };
  try {
    status = JSON.parse(statusText) as typeof status;
  } catch {
    return { error: statusText };
  }
  if (status.status === "Success") return { exitCode: 0 };
  if (status.reason === "NonZeroExitCode" && Array.isArray(status.details?.causes)) {
    const cause = (status.details.causes as { reason?: string; message?: string }[]).find(
      (c) => c.reason === "ExitCode",
    );
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return { exitCode: code };
  }
  return { error: status.message ?? statusText };
}

/** The channel protocol port-forward speaks besides SPDY (one TCP connection per socket). */
export const PORT_FORWARD_CHANNEL_PROTOCOL = "v4.channel.k8s.io";

/** A port-forward channel's first message: the port, two bytes little-endian. */
export function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}
