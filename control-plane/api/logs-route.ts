// GET pods/{name}/log: the agent of the pod's node streams the container's output, which goes
// out as text/plain. Headers go at once when following (the client waits for them); otherwise
// only with the first byte, so that an error before any output is still a Status.

import type { Request, Response } from "express";
import type { Pod } from "../../shared/api-types.js";
import type { HandlerContext } from "./deps.js";
import { sendError } from "./error-handler.js";
import { parseLogOptions } from "./log-options.js";
import { requireObject } from "./read-handlers.js";
import type { ResourceTarget } from "./request-target.js";

/** Streams a pod's logs. */
export async function handleLogs(
  ctx: HandlerContext,
  _req: Request,
  res: Response,
  target: ResourceTarget,
  q: URLSearchParams,
): Promise<void> {
  const pod = requireObject(ctx, {
    info: target.info,
    namespace: target.namespace,
    name: target.name,
  }) as Pod;
  const options = parseLogOptions(pod, q);
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/plain");
  };
  if (options.follow) {
    start();
    res.flushHeaders();
  }
  const sink = {
    write(chunk: Buffer): void {
      if (abort.signal.aborted) return;
      start();
      res.write(chunk);
    },
  };
  try {
    await ctx.logs.stream(pod, options, sink, abort.signal);
    start();
    res.end();
  } catch (e) {
    if (abort.signal.aborted) return;
    if (!started) {
      sendError(res, e, ctx.logger);
      return;
    }
    ctx.logger.warn("log stream ended with an error", { pod: pod.metadata.name, error: e });
    res.end();
  }
}
