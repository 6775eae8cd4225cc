// Serves the control plane's log requests: finds the pod's container (or its previous
// attempt), streams its logs back as base64 `logData` chunks (gathered to at most
// AGENT_LIMITS.logChunkBytes, log-chunker.ts) and ends with `logEnd`; a `logCancel` stops a
// follow.

import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { truncateUtf8 } from "../../shared/limits.js";
import type { AgentMessage, LogEndMessage, LogRequestMessage } from "../../shared/protocol.js";
import { AGENT_LIMITS } from "../../shared/protocol.js";
import type { ContainerRuntime, ObservedContainer } from "../runtime/container-runtime.js";
import { LABELS, nodeFilter, parseLabels } from "../runtime/labels.js";
import { LogChunker } from "./log-chunker.js";

/** How long log bytes wait for more before they are sent (a follow shows lines this late at most). */
const LOG_WINDOW_MS = 100;

export interface LogStreamerOptions {
  runtime: ContainerRuntime;
  nodeName: string;
  clock: Clock;
  logger: Logger;
  send: (m: AgentMessage) => boolean;
}

/** The attempt a log request means: the live (or latest) one, or the one before it. */
export function pickContainer(all: ObservedContainer[], previous: boolean): ObservedContainer | undefined {
  const count = (c: ObservedContainer): number => parseLabels(c.labels)?.restartCount ?? 0;
  const sorted = [...all].sort((a, b) => count(b) - count(a) || b.createdAt - a.createdAt);
  const current = sorted.find((c) => c.state === "running") ?? sorted[0];
  if (!previous) return current;
  return sorted.find((c) => c !== current && c.state !== "running");
}

export class LogStreamer {
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly o: LogStreamerOptions) {}

  /** Starts serving a request (in the background). */
  start(req: LogRequestMessage): void {
    const ac = new AbortController();
    this.active.set(req.requestId, ac);
    void this.serve(req, ac.signal).finally(() => this.active.delete(req.requestId));
  }

  cancel(requestId: string): void {
    this.active.get(requestId)?.abort();
  }

  cancelAll(): void {
    for (const ac of this.active.values()) ac.abort();
  }

  private end(requestId: string, error?: LogEndMessage["error"]): void {
    const told = error
      ? { error: { ...error, message: truncateUtf8(error.message, AGENT_LIMITS.textBytes) } }
      : {};
    this.o.send({ v: 1, type: "logEnd", requestId, ...told });
  }

  private async serve(req: LogRequestMessage, signal: AbortSignal): Promise<void> {
    const pod = `${req.namespace}/${req.podName}`;
    try {
      const all = await this.o.runtime.list({
        ...nodeFilter(this.o.nodeName),
        [LABELS.podUid]: req.podUid,
        [LABELS.container]: req.container,
      });
      const target = pickContainer(all, req.previous);
      if (!target) {
        const message = req.previous
          ? `previous terminated container "${req.container}" in pod "${req.podName}" not found`
          : `container "${req.container}" in pod "${req.podName}" is not available`;
        this.end(req.requestId, { code: req.previous ? "BadRequest" : "NotFound", message });
        return;
      }
      let left = req.limitBytes ?? Infinity;
      const chunker = new LogChunker({
        clock: this.o.clock,
        chunkBytes: AGENT_LIMITS.logChunkBytes,
        windowMs: LOG_WINDOW_MS,
        emit: (part) =>
          this.o.send({ v: 1, type: "logData", requestId: req.requestId, data: part.toString("base64") }),
      });
      const limiter = new AbortController();
      signal.addEventListener("abort", () => limiter.abort(), { once: true });
      try {
        await this.o.runtime.logs(
          target.id,
          {
            follow: req.follow,
            timestamps: req.timestamps,
            ...(req.tailLines !== undefined ? { tailLines: req.tailLines } : {}),
            ...(req.sinceSeconds !== undefined
              ? { since: Math.floor(this.o.clock.now() / 1000) - req.sinceSeconds }
              : {}),
          },
          (chunk) => {
            if (left <= 0 || limiter.signal.aborted) return;
            const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
            left -= part.length;
            chunker.push(part);
            if (left <= 0) limiter.abort();
          },
          limiter.signal,
        );
      } finally {
        chunker.flush();
      }
      this.end(req.requestId);
    } catch (e) {
      const notFound = e instanceof EverynodeError && e.code === "NotFound";
      this.o.logger.warn("log request failed", { pod, container: req.container, error: e });
      this.end(req.requestId, {
        code: notFound ? "NotFound" : "InternalError",
        message: (e as Error).message,
      });
    }
  }
}
