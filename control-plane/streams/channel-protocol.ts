// Kubernetes' WebSocket channel protocols for exec and attach (v4.channel.k8s.io and
// v5.channel.k8s.io), pure: each binary message is one channel byte then data. Client to
// server: 0 stdin, 4 resize ({"Width":W,"Height":H}), and in v5 255 + channel to close one
// (stdin's EOF). Server to client: 1 stdout, 2 stderr, 3 the error channel, which carries a
// v1 Status once the command ended (with the exit code, so kubectl prints `command
// terminated with exit code N` and exits with N).

import type { EverynodeError } from "../../shared/errors.js";

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
