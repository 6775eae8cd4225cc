// The agent's side of the pod-token endpoint: asks, with the node credential, for the
// ServiceAccount token of one of its pods. A refusal or an unreachable server is an error
// whose message says why (shown as the pod's FailedMount).

import { EverynodeError } from "../../shared/errors.js";
import { AGENT_POD_TOKEN_PATH, type PodTokenRequest, type PodTokenResponse } from "../../shared/protocol.js";
import type { NodeCredential } from "./credential-store.js";
import { httpsRequest, statusMessage } from "./https-client.js";

/** A fetcher bound to the credential in use at each call (it may be renewed by a re-join). */
export function podTokenFetcher(
  credential: () => NodeCredential,
): (request: PodTokenRequest) => Promise<PodTokenResponse> {
  return async (request) => {
    const c = credential();
    const res = await httpsRequest({
      method: "POST",
      url: new URL(AGENT_POD_TOKEN_PATH, c.server).toString(),
      ca: c.caPem,
      bearer: c.token,
      body: request,
    });
    if (res.status !== 200)
      throw new EverynodeError(
        res.status >= 500 ? "Unreachable" : "Forbidden",
        `the control plane answered ${res.status}: ${statusMessage(res)}`,
        { temporary: res.status >= 500 },
      );
    const body = JSON.parse(res.body) as PodTokenResponse;
    if (typeof body.automount !== "boolean") throw new Error("the control plane's answer names no automount");
    return body;
  };
}
