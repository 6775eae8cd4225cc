// kubectl 1.31+'s port-forward: SPDY/3.1 tunnelled through the WebSocket.
import type { Logger } from "../../shared/logger.js";
import type { MessageSocket } from "./message-socket.js";
import type { OpenPortStream } from "./port-forward-session.js";

export const SPDY_PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

export function runSpdyPortForward(socket: MessageSocket, _open: OpenPortStream, _logger: Logger): void {
  socket.close(1011, "not yet");
}
