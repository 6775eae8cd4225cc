// The seam between the logs endpoint of the API and the agents that hold the logs.

import type { Pod } from "../../shared/api-types.js";

export interface PodLogOptions {
  container: string;
  follow: boolean;
  timestamps: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

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
