// What an exec, attach or port-forward URL asks for, checked against the pod before anything
// is upgraded: `/api/v1/namespaces/N/pods/P/exec?command=..&container=..&stdin=..&stdout=..
// &stderr=..&tty=..`, `.../attach?...`, `.../portforward?ports=..`. Pure.

import type { Pod } from "../../shared/api-types.js";
import { EverynodeError, errors } from "../../shared/errors.js";
import type { StreamKind } from "../../shared/stream-messages.js";

const PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

export interface StreamPath {
  namespace: string;
  name: string;
  subresource: "exec" | "attach" | "portforward";
}

/** The parts of a stream URL's path, or undefined for any other path. */
export function parseStreamPath(pathname: string): StreamPath | undefined {
  const m = PATH.exec(pathname);
  if (!m) return undefined;
  try {
    return {
      namespace: decodeURIComponent(m[1]!),
      name: decodeURIComponent(m[2]!),
      subresource: m[3] as StreamPath["subresource"],
    };
  } catch {
    return undefined;
  }
}

export interface ExecRequest {
  kind: Extract<StreamKind, "exec" | "attach">;
  container: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Kubernetes' query booleans: 1, t, T, TRUE, true, True. */
function flag(q: URLSearchParams, name: string): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(q.get(name) ?? "");
}

/** The container a request names, or the pod's only (or default) one. */
export function containerOf(pod: Pod, q: URLSearchParams): string {
  const names = pod.spec.containers.map((c) => c.name);
  const asked = q.get("container");
  const podName = pod.metadata.name ?? "";
  if (asked) {
    if (!names.includes(asked))
      throw new EverynodeError("BadRequest", `container ${asked} is not valid for pod ${podName}`);
    return asked;
  }
  const annotated = pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length === 1) return names[0]!;
  throw new EverynodeError(
    "BadRequest",
    `a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]`,
  );
}

/** An exec or attach request; 400 when it makes no sense. */
export function parseExecRequest(pod: Pod, kind: ExecRequest["kind"], q: URLSearchParams): ExecRequest {
  const command = q.getAll("command");
  const request: ExecRequest = {
    kind,
    container: containerOf(pod, q),
    command,
    stdin: flag(q, "stdin"),
    stdout: flag(q, "stdout"),
    stderr: flag(q, "stderr"),
    tty: flag(q, "tty"),
  };
  if (kind === "exec" && command.length === 0)
    throw errors.badRequest("you must specify at least one command for the container");
  if (!request.stdin && !request.stdout && !request.stderr)
    throw errors.badRequest("you must specify at least one of stdin, stdout, stderr");
  // With a terminal, stderr is merged into stdout, as the kubelet does.
  if (request.tty) request.stderr = false;
  return request;
}

/** The ports of a port-forward URL (`ports=8080,9090` or repeated); 400 when one is bad. */
export function parsePorts(q: URLSearchParams): number[] {
  const ports = q
    .getAll("ports")
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const n = Number(p);
      if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw errors.badRequest(`invalid port "${p}"`);
      return n;
    });
  return ports;
}

/** What an old kubectl that only speaks SPDY is told. */
export function spdyRefusal(subresource: StreamPath["subresource"]): EverynodeError {
  const min = subresource === "portforward" ? "1.31" : "1.30";
  const what = subresource === "portforward" ? "port-forward" : subresource;
  return errors.badRequest(
    `everynode serves ${what} over WebSockets only, which needs kubectl ${min} or newer; this client asked for SPDY (kubectl ${subresource === "portforward" ? "1.30" : "1.29"} or older)`,
  );
}
