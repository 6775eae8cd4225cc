// `port-forward`'s arguments, as kubectl reads them: `[LOCAL:]REMOTE` (REMOTE a number or a
// container port's name; an empty or 0 LOCAL picks a free port) and `--address` (comma
// separated; `localhost` is 127.0.0.1 and ::1). Pure.

import type { Pod } from "../shared/api-types.js";
import { EverynodeError } from "../shared/errors.js";

export interface PortSpec {
  /** 0: any free port. */
  local: number;
  remote: number;
  /** How the user wrote the remote port (for messages). */
  remoteText: string;
}

function portNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 0 || n > 65535)
    throw new EverynodeError("Usage", `${what} "${text}" is not a valid port number`);
  return n;
}

/** The remote port a name stands for: a container port of the pod by that name. */
function namedPort(pod: Pod, name: string): number {
  for (const c of pod.spec.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  throw new EverynodeError("Usage", `Pod '${pod.metadata.name ?? ""}' does not have a named port '${name}'`);
}

export function parsePortSpec(text: string, pod: Pod): PortSpec {
  const parts = text.split(":");
  if (parts.length > 2 || parts[parts.length - 1] === "")
    throw new EverynodeError("Usage", `invalid port format "${text}": use [LOCAL_PORT:]REMOTE_PORT`);
  const remoteText = parts[parts.length - 1]!;
  const remote = /^\d+$/.test(remoteText)
    ? portNumber(remoteText, "remote port")
    : namedPort(pod, remoteText);
  if (remote === 0) throw new EverynodeError("Usage", `remote port "${remoteText}" must be above 0`);
  const localText = parts.length === 2 ? parts[0]! : /^\d+$/.test(remoteText) ? remoteText : String(remote);
  const local = localText === "" ? 0 : portNumber(localText, "local port");
  return { local, remote, remoteText };
}

/** The addresses to listen on. */
export function listenAddresses(flags: string[]): string[] {
  const items = (flags.length > 0 ? flags : ["localhost"]).flatMap((f) => f.split(",")).map((a) => a.trim());
  return [...new Set(items.flatMap((a) => (a === "localhost" ? ["127.0.0.1", "::1"] : a ? [a] : [])))];
}

/** An address as kubectl prints it: IPv6 in brackets. */
export function printedAddress(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
