// Container logs for `kubectl logs`: asked of the agent of the pod's node over its socket
// and relayed chunk by chunk into the HTTP response.

import { randomUUID } from "node:crypto";
import type { Pod } from "../../shared/api-types.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { LogDataMessage, LogEndMessage, LogRequestMessage } from "../../shared/protocol.js";
import { PROTOCOL_VERSION } from "../../shared/protocol.js";
import type { LogSink, PodLogOptions, PodLogStreamer } from "../api/pod-log-streamer.js";
import type { AgentConnection, SessionRegistry } from "./session-registry.js";

interface Pending {
  connection: AgentConnection;
  sink: LogSink;
  finish(error?: EverynodeError): void;
}

/** The error codes an agent may give in logEnd; anything else counts as internal. */
const AGENT_LOG_ERRORS = new Set<string>(["NotFound", "BadRequest", "InternalError"]);

const notConnected = (): EverynodeError =>
  new EverynodeError("ServiceUnavailable", "the node's agent is not connected");

/** Streams logs through the agents' sockets; the session logic feeds it logData/logEnd. */
export class LogRelay implements PodLogStreamer {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly deps: { registry: SessionRegistry; logger: Logger; newRequestId?: () => string },
  ) {}

  stream(pod: Pod, options: PodLogOptions, sink: LogSink, signal: AbortSignal): Promise<void> {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) {
      return Promise.reject(
        new EverynodeError("BadRequest", `pod "${pod.metadata.name ?? ""}" is not bound to a node yet`),
      );
    }
    const connection = this.deps.registry.ready(nodeName);
    if (!connection) return Promise.reject(notConnected());
    if (signal.aborted) return Promise.resolve();
    const requestId = this.deps.newRequestId?.() ?? randomUUID();

    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        connection.send({ v: PROTOCOL_VERSION, type: "logCancel", requestId }).catch(() => {});
        finish();
      };
      const finish = (error?: EverynodeError): void => {
        if (!this.pending.delete(requestId)) return;
        signal.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      };
      this.pending.set(requestId, { connection, sink, finish });
      signal.addEventListener("abort", onAbort, { once: true });

      const request: LogRequestMessage = {
        v: PROTOCOL_VERSION,
        type: "logRequest",
        requestId,
        namespace: pod.metadata.namespace ?? "default",
        podName: pod.metadata.name ?? "",
        podUid: pod.metadata.uid ?? "",
        container: options.container,
        follow: options.follow,
        timestamps: options.timestamps,
        previous: options.previous,
      };
      if (options.tailLines !== undefined) request.tailLines = options.tailLines;
      if (options.sinceSeconds !== undefined) request.sinceSeconds = options.sinceSeconds;
      if (options.limitBytes !== undefined) request.limitBytes = options.limitBytes;
      connection.send(request).catch(() => finish(notConnected()));
    });
  }

  /** A chunk of logs from `connection`; chunks of unknown or foreign requests are ignored. */
  onData(connection: AgentConnection, message: LogDataMessage): void {
    const p = this.pending.get(message.requestId);
    if (p?.connection !== connection) return;
    try {
      p.sink.write(Buffer.from(message.data, "base64"));
    } catch (err) {
      // The reader went away: stop the agent from sending more.
      this.deps.logger.debug("log sink failed, cancelling", { requestId: message.requestId, err });
      connection
        .send({ v: PROTOCOL_VERSION, type: "logCancel", requestId: message.requestId })
        .catch(() => {});
      p.finish();
    }
  }

  /** The end of a request's logs, with the agent's error if there was one. */
  onEnd(connection: AgentConnection, message: LogEndMessage): void {
    const p = this.pending.get(message.requestId);
    if (p?.connection !== connection) return;
    const error = message.error;
    if (!error) return p.finish();
    const code = AGENT_LOG_ERRORS.has(error.code) ? error.code : "InternalError";
    p.finish(new EverynodeError(code, String(error.message ?? "the agent could not read the logs")));
  }

  /** The connection closed: its streams fail (the client may retry once the agent is back). */
  connectionClosed(connection: AgentConnection): void {
    for (const p of [...this.pending.values()]) {
      if (p.connection === connection)
        p.finish(new EverynodeError("ServiceUnavailable", "the node's agent disconnected"));
    }
  }
}
