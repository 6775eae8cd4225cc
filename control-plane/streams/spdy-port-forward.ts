// kubectl 1.31+'s port-forward: SPDY/3.1 tunnelled through the WebSocket
// (`SPDY/3.1+portforward.k8s.io`). For each TCP connection kubectl opens two SPDY streams
// with the headers streamtype (error|data), port and requestid; once both are there, one
// relay stream to the agent connects to the pod's port. Bytes go as DATA frames on the data
// stream; a failure is written on the error stream; either end's FIN half-closes. PINGs are
// echoed. Back-pressure: the client's socket pauses while a connection's credit is spent.

import type { Logger } from "../../shared/logger.js";
import type { OpenStream } from "../agents/stream-relay.js";
import type { MessageSocket } from "./message-socket.js";
import type { OpenPortStream } from "./port-request.js";
import { portRequest } from "./port-request.js";
import {
  controlFrame,
  dataFrame,
  FLAG_FIN,
  HeaderDeflater,
  HeaderInflater,
  SPDY_TYPE,
  SpdyReader,
  u32,
} from "./spdy-frames.js";

export const SPDY_PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

interface Pair {
  port: number;
  data?: number;
  error?: number;
  stream?: OpenStream;
}

export function runSpdyPortForward(socket: MessageSocket, open: OpenPortStream, logger: Logger): void {
  const reader = new SpdyReader();
  const inflater = new HeaderInflater();
  const deflater = new HeaderDeflater();
  const pairs = new Map<string, Pair>();
  const byData = new Map<number, Pair>();
  let closed = false;

  const reply = (streamId: number): void =>
    socket.send(controlFrame(SPDY_TYPE.synReply, 0, Buffer.concat([u32(streamId), deflater.deflate([])])));
  const finish = (streamId: number, data = Buffer.alloc(0)): void =>
    socket.send(dataFrame(streamId, FLAG_FIN, data));

  const start = (requestId: string, pair: Pair): void => {
    const { data, error } = pair;
    if (data === undefined || error === undefined) return;
    byData.set(data, pair);
    pair.stream = open(portRequest(pair.port), {
      output: (_channel, bytes, done) => socket.send(dataFrame(data, 0, bytes), done),
      end: ({ error: e }) => {
        if (e) {
          logger.info("port-forward connection failed", { port: pair.port, error: e.message });
          finish(error, Buffer.from(e.message));
        } else finish(error);
        finish(data);
        byData.delete(data);
        pairs.delete(requestId);
      },
      drained: () => socket.resume(),
    });
  };

  const control = (type: number, flags: number, body: Buffer): void => {
    switch (type) {
      case SPDY_TYPE.synStream: {
        const streamId = body.readUInt32BE(0) & 0x7fffffff;
        const headers = inflater.inflate(body.subarray(10));
        reply(streamId);
        const requestId = headers.get("requestid") ?? "";
        const port = Number(headers.get("port"));
        const pair = pairs.get(requestId) ?? { port };
        pairs.set(requestId, pair);
        if (headers.get("streamtype") === "data") pair.data = streamId;
        else if (headers.get("streamtype") === "error") pair.error = streamId;
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          finish(streamId, Buffer.from(`invalid port "${headers.get("port") ?? ""}"`));
          return;
        }
        start(requestId, pair);
        return;
      }
      case SPDY_TYPE.ping:
        socket.send(controlFrame(SPDY_TYPE.ping, 0, body.subarray(0, 4)));
        return;
      case SPDY_TYPE.rstStream: {
        const pair = byData.get(body.readUInt32BE(0) & 0x7fffffff);
        pair?.stream?.cancel();
        return;
      }
      case SPDY_TYPE.goAway:
        socket.close(1000);
        return;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do (kubectl's SPDY does no flow control).
        void flags;
    }
  };

  socket.onMessage((message) => {
    let frames;
    try {
      frames = reader.push(message);
      for (const f of frames) {
        if (f.control) control(f.type, f.flags, f.data);
        else {
          const pair = byData.get(f.streamId);
          if (!pair?.stream) continue;
          if (f.data.length > 0 && !pair.stream.input(f.data)) socket.pause();
          if (f.flags & FLAG_FIN) pair.stream.closeInput();
        }
      }
    } catch (e) {
      logger.warn("closing a port-forward: malformed SPDY", { error: (e as Error).message });
      socket.close(1002, "malformed SPDY");
    }
  });
  socket.onClose(() => {
    if (closed) return;
    closed = true;
    for (const pair of pairs.values()) pair.stream?.cancel();
  });
}
