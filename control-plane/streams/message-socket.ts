// A client's WebSocket as the stream sessions see it: binary messages, back-pressure by
// pausing, and a close. The ws edge (stream-socket-server.ts) makes these; nothing else
// here touches ws.

export interface MessageSocket {
  /** Sends one binary message; `done` once it was handed to the kernel. */
  send(data: Buffer, done?: () => void): void;
  /** Stops reading the client (TCP pushes back) until resume(). */
  pause(): void;
  resume(): void;
  close(code: number, reason?: string): void;
  onMessage(listener: (data: Buffer) => void): void;
  onClose(listener: () => void): void;
}
