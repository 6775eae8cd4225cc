// The address a pod's containers reach the API at, given to them as the kubelet gives the
// `kubernetes` Service: KUBERNETES_SERVICE_HOST/PORT and the KUBERNETES_PORT* family.
// everynode has no Service IPs, so it is the server URL the agent joined, except that a
// loopback URL (the server on this very host) is unreachable from a bridged container: those
// get the Docker bridge's gateway, an address of this host (the server listens on every
// address by default, and its certificate carries every address of its host). Pure.

import { isIP } from "node:net";

export interface ApiEndpoint {
  host: string;
  port: number;
}

export interface PodApiEndpoints {
  hostNetwork: ApiEndpoint;
  bridge: ApiEndpoint;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/** The endpoints for host-network and bridged pods, from the agent's server URL. */
export function podApiEndpoints(
  serverUrl: string,
  bridgeGateway: string | undefined,
): PodApiEndpoints | undefined {
  if (!URL.canParse(serverUrl)) return undefined;
  const url = new URL(serverUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || 443);
  const direct = { host, port };
  return {
    hostNetwork: direct,
    bridge: isLoopback(host) && bridgeGateway ? { host: bridgeGateway, port } : direct,
  };
}

/** The variables, in the kubelet's names, for the `kubernetes` Service at `e`. */
export function apiServiceEnv(e: ApiEndpoint): [string, string][] {
  const addr = isIP(e.host) === 6 ? `[${e.host}]` : e.host;
  const url = `tcp://${addr}:${e.port}`;
  const prefix = `KUBERNETES_PORT_${e.port}_TCP`;
  return [
    ["KUBERNETES_SERVICE_HOST", e.host],
    ["KUBERNETES_SERVICE_PORT", String(e.port)],
    ["KUBERNETES_SERVICE_PORT_HTTPS", String(e.port)],
    ["KUBERNETES_PORT", url],
    [prefix, url],
    [`${prefix}_PROTO`, "tcp"],
    [`${prefix}_PORT`, String(e.port)],
    [`${prefix}_ADDR`, e.host],
  ];
}
