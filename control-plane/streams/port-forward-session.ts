// Port-forward sessions. Two protocols: kubectl 1.31+ tunnels SPDY/3.1 through the WebSocket
// (`SPDY/3.1+portforward.k8s.io`, spdy-port-forward.ts), one SPDY stream pair per TCP
// connection; and the channel protocol (`v4.channel.k8s.io`, for everynode's CLI and other
// WebSocket clients), one TCP connection per port in the URL's `ports`: for the i-th port,
// channel 2i carries data and 2i+1 errors, and each channel first carries the port number
// (two bytes, little-endian). Each TCP connection is one relay stream to the agent, which
// connects to the pod's port.

import type { Logger } from "../../shared/logger.js";
import { errors } from "../../shared/errors.js";
import type { OpenStream } from "../agents/stream-relay.js";
import type { OpenPortStream } from "./port-request.js";
import { portRequest } from "./port-request.js";
import { encodeFrame, PORT_FORWARD_CHANNEL_PROTOCOL, portBytes } from "../../shared/channel-protocol.js";
import type { MessageSocket } from "./message-socket.js";
import { runSpdyPortForward, SPDY_PORT_FORWARD_PROTOCOL } from "./spdy-port-forward.js";

export const PORT_FORWARD_PROTOCOLS = [SPDY_PORT_FORWARD_PROTOCOL, PORT_FORWARD_CHANNEL_PROTOCOL] as const;

export function runPortForward(
  socket: MessageSocket,
  protocol: string,
  ports: number[],
  open: OpenPortStream,
  logger: Logger,
): void {
  if (protocol === SPDY_PORT_FORWARD_PROTOCOL) return runSpdyPortForward(socket, open, logger);
  runChannelPortForward(socket, ports, open, logger);
}

function runChannelPortForward(
  socket: MessageSocket,
  ports: number[],
  open: OpenPortStream,
  logger: Logger,
): void {
  if (ports.length === 0) {
    const err = errors.badRequest('query parameter "ports" is required');
    socket.send(encodeFrame(1, Buffer.from(err.message)), () => socket.close(1000));
    return;
  }
  const streams: OpenStream[] = [];
  let open_ = ports.length;
  ports.forEach((port, i) => {
    const data = 2 * i;
    const error = data + 1;
    socket.send(encodeFrame(data, portBytes(port)));
    socket.send(encodeFrame(error, portBytes(port)));
    const stream = open(portRequest(port), {
      output: (_channel, bytes, done) => socket.send(encodeFrame(data, bytes), done),
      end: ({ error: e }) => {
        if (e) {
          logger.info("port-forward connection failed", { port, error: e.message });
          socket.send(encodeFrame(error, Buffer.from(e.message)));
        }
        if (--open_ === 0) socket.close(1000);
      },
      drained: () => socket.resume(),
    });
    streams.push(stream);
  });
  socket.onMessage((message) => {
    if (message.length === 0) return;
    const channel = message[0]!;
    if (channel % 2 !== 0) return;
    const stream = streams[channel / 2];
    if (stream && !stream.input(message.subarray(1))) socket.pause();
  });
  socket.onClose(() => streams.forEach((s) => s.cancel()));
}
