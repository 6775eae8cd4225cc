// What both port-forward protocols ask the agent for: one relay stream per TCP connection.

import type { OpenStream, StreamClient, StreamRequest } from "../agents/stream-relay.js";

export type OpenPortStream = (request: StreamRequest, client: StreamClient) => OpenStream;

/** The relay request for one TCP connection to `port` of the pod. */
export function portRequest(port: number): StreamRequest {
  return {
    kind: "portForward",
    container: "",
    command: [],
    stdin: true,
    stdout: true,
    stderr: false,
    tty: false,
    port,
  };
}
