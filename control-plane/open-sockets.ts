// Every socket the HTTPS server accepted, so that a shutdown can end them all at once:
// `server.close()` otherwise waits for kept-alive connections (up to the idle timeout) and
// for connections still in their TLS handshake, which `closeAllConnections()` does not know.

import type { Server } from "node:https";
import type { Socket } from "node:net";

export interface OpenSockets {
  /** How many are open now. */
  size(): number;
  /** Destroys every open socket, without waiting for any close handshake. */
  destroyAll(): void;
}

export function trackOpenSockets(server: Server): OpenSockets {
  const open = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  return {
    size: () => open.size,
    destroyAll: () => {
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}
