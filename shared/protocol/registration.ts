// The agent protocol's HTTP half: registration and pod tokens (see shared/protocol.ts).

import type { TaintEffect } from "../api-types.js";

/** POST /agent/v1/register, authenticated by a join token. */
export interface RegisterRequest {
  nodeName: string;
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: TaintEffect }[];
  /**
   * The node secret: random text the agent made at its first registration and keeps in its
   * data dir. The server keeps only its hash and re-registers an existing node only for the
   * same secret, so a join token cannot take over a node. The server requires it (422
   * without); it is optional here because the agent adds it only as it sends the request.
   */
  nodeSecret?: string;
}

export interface RegisterResponse {
  nodeName: string;
  /** The node credential (`<id>.<secret>`): the agent keeps it in its data dir. */
  token: string;
}

/** POST AGENT_POD_TOKEN_PATH: the pod, by name and uid (a pod of the same name replaced it: 404). */
export interface PodTokenRequest {
  namespace: string;
  name: string;
  uid: string;
  /**
   * For a projected `serviceAccountToken` source of the pod (its audience, default the API's,
   * and its life, at least 600 s): issued whatever automountServiceAccountToken says.
   */
  projected?: boolean;
  audience?: string;
  expirationSeconds?: number;
}

/**
 * `automount: false` when the pod (or else its ServiceAccount) says so: nothing is mounted.
 * Otherwise the token, bound to the pod, its ServiceAccount and its node, 3607 s long.
 */
export interface PodTokenResponse {
  automount: boolean;
  token?: string;
  expirationTimestamp?: string;
}
