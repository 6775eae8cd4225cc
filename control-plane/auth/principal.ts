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
  | { kind: "metrics"; tokenId: string }
  /**
   * A ServiceAccount's token (control-plane/auth/service-account-tokens.ts): may do what its
   * RBAC bindings grant. `pod` and `node` when the token is bound to a pod.
   */
  | {
      kind: "serviceaccount";
      namespace: string;
      name: string;
      uid: string;
      pod?: { name: string; uid: string };
      node?: string;
    }
  /** Someone the admin impersonates (Impersonate-User/-Group): may do what RBAC grants. */
  | { kind: "user"; name: string; groups: string[] };

/** `system:serviceaccount:<namespace>:<name>`, the user name Kubernetes gives a ServiceAccount. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export interface Authenticator {
  /** The principal for a bearer token, or undefined when the token is unknown, wrong or expired. */
  authenticate(bearerToken: string | undefined): Principal | undefined;
}

/** The first principal any of the authenticators finds. */
export function firstOf(...authenticators: Authenticator[]): Authenticator {
  return {
    authenticate: (token) => {
      for (const a of authenticators) {
        const p = a.authenticate(token);
        if (p) return p;
      }
      return undefined;
    },
  };
}
