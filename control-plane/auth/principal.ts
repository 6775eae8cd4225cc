// Who is calling: every request and every agent socket is authenticated to one of these.
// There is no anonymous principal: only /version, /healthz, /livez, /readyz and the CA
// certificate are served without one.

export type Principal =
  /** A person or tool with the admin token (the kubeconfig the server writes). */
  | { kind: "admin"; name: string }
  /** An agent after registration: may only touch its own Node and the pods bound to it. */
  | { kind: "node"; nodeName: string; credentialId: string }
  /** A joining agent: may only register. */
  | { kind: "join"; tokenId: string }
  /** A Prometheus scraper with the metrics token (the data dir's metrics-token): may only read /metrics. */
  | { kind: "metrics"; tokenId: string };

export interface Authenticator {
  /** The principal for a bearer token, or undefined when the token is unknown, wrong or expired. */
  authenticate(bearerToken: string | undefined): Principal | undefined;
}
