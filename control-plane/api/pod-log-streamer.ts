// What the logs endpoint needs from whoever holds the logs: the API owns this contract, the
// agents room implements it (control-plane/agents/log-relay.ts) and main.ts wires the two.

import type { Pod } from "../../shared/api-types.js";
import type { LogRequestMessage } from "../../shared/protocol.js";

/** The options of `kubectl logs`, as the agents' protocol carries them. */
export type PodLogOptions = Pick<
  LogRequestMessage,
  "container" | "follow" | "timestamps" | "previous" | "tailLines" | "sinceSeconds" | "limitBytes"
>;

export interface LogSink {
  write(chunk: Buffer): void;
}

export interface PodLogStreamer {
  /**
   * Streams a container's logs from the agent of the pod's node into `sink` and resolves
   * when they end (or `signal` fires). Rejects with an EverynodeError: NotFound when the
   * agent knows no such container, ServiceUnavailable when the node's agent is not connected.
   */
  stream(pod: Pod, options: PodLogOptions, sink: LogSink, signal: AbortSignal): Promise<void>;
}
