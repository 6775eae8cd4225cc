// One exec or attach over the channel protocol: client messages become the stream's stdin,
// resizes and stdin's close; the agent's output goes out on channels 1 and 2; the end goes on
// the error channel as a Status, then the socket closes normally.

import { errors, isEverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { OpenStream, StreamClient } from "../agents/stream-relay.js";
import { CHANNEL, decodeClientFrame, encodeFrame, endStatus } from "../../shared/channel-protocol.js";
import type { MessageSocket } from "./message-socket.js";
import type { ExecRequest } from "./stream-request.js";

export function runExecSession(
  socket: MessageSocket,
  protocol: string,
  request: ExecRequest,
  open: (client: StreamClient) => OpenStream,
  logger: Logger,
): void {
  let ended = false;
  const client: StreamClient = {
    output: (channel, data, done) => {
      if (ended) return done();
      socket.send(encodeFrame(channel === CHANNEL.stderr ? CHANNEL.stderr : CHANNEL.stdout, data), done);
    },
    end: ({ exitCode, error }) => {
      if (ended) return;
      ended = true;
      if (error) logger.info("stream ended with an error", { error: error.message });
      const status = Buffer.from(JSON.stringify(endStatus(request.command, exitCode, error)));
      socket.send(encodeFrame(CHANNEL.error, status), () => socket.close(1000));
    },
    drained: () => socket.resume(),
  };
  let stream: OpenStream;
  try {
    stream = open(client);
  } catch (e) {
    client.end({ error: isEverynodeError(e) ? e : errors.internal((e as Error).message) });
    return;
  }
  socket.onMessage((message) => {
    const frame = decodeClientFrame(message, protocol);
    if (frame.kind === "stdin") {
      if (request.stdin && !stream.input(frame.data)) socket.pause();
    } else if (frame.kind === "resize") stream.resize(frame.width, frame.height);
    else if (frame.kind === "closeStdin") stream.closeInput();
  });
  socket.onClose(() => {
    if (!ended) {
      ended = true;
      stream.cancel();
    }
  });
}
