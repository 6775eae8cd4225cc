// ServiceAccount tokens: JWTs (HS256, the data dir's service-account-key) naming the
// ServiceAccount by namespace, name and uid, and optionally bound to a Pod (with its node)
// or a Secret. A token authenticates only while everything it names still exists with the
// same uid: deleting the pod, the Secret or the ServiceAccount revokes it at once. Pod
// tokens are short-lived (an hour, as the kubelet asks); TokenRequest tokens last what the
// caller asks (10 minutes at least, an hour by default); legacy Secret tokens never expire
// (as Kubernetes' `kubernetes.io/service-account-token` Secrets), until their Secret goes.

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { KubeObject, Node, Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Secret, ServiceAccount } from "../../shared/config-types.js";
import type { Store } from "../store/store.js";
import { serviceAccountUser, type Authenticator, type Principal } from "./principal.js";

/** The audience of tokens meant for this API (Kubernetes' default issuer and audience). */
export const API_AUDIENCE = "https://kubernetes.default.svc.cluster.local";
/** The kubelet's request for a pod's token: an hour and seven seconds. */
export const POD_TOKEN_SECONDS = 3607;
export const DEFAULT_TOKEN_SECONDS = 3600;
export const MIN_TOKEN_SECONDS = 600;

interface Ref {
  name: string;
  uid: string;
}

/** The claims everynode writes (Kubernetes' shape: `sub`, and the private `kubernetes.io`). */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  iat: number;
  nbf: number;
  exp?: number;
  jti: string;
  "kubernetes.io": {
    namespace: string;
    serviceaccount: Ref;
    pod?: Ref;
    node?: Ref;
    secret?: Ref;
  };
}

export interface IssuedToken {
  token: string;
  /** RFC 3339; undefined for a legacy token, which does not expire. */
  expirationTimestamp?: string;
  audiences: string[];
  expirationSeconds?: number;
}

export interface TokenOptions {
  audiences?: string[];
  /** Undefined: the default hour; null: no expiry (legacy Secret tokens only). */
  expirationSeconds?: number | null;
  pod?: Pod;
  secret?: Secret;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

function refOf(o: KubeObject): Ref {
  return { name: o.metadata.name ?? "", uid: o.metadata.uid ?? "" };
}

/** A JWT's three parts, when the text is one. */
function parseJwt(
  token: string,
): { header: unknown; claims: unknown; signed: string; signature: Buffer } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, c, s] = parts as [string, string, string];
  try {
    return {
      header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")),
      claims: JSON.parse(Buffer.from(c, "base64url").toString("utf8")),
      signed: `${h}.${c}`,
      signature: Buffer.from(s, "base64url"),
    };
  } catch {
    return undefined;
  }
}

/** Issues and checks ServiceAccount tokens over the store's objects. */
export class ServiceAccountTokens implements Authenticator {
  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      /** The HMAC key (32 bytes or more), kept outside the database. */
      signingKey: Buffer;
      issuer?: string;
    },
  ) {}

  private get issuer(): string {
    return this.deps.issuer ?? API_AUDIENCE;
  }

  private sign(claims: TokenClaims): string {
    const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64url(JSON.stringify(claims));
    const mac = createHmac("sha256", this.deps.signingKey).update(`${head}.${body}`).digest();
    return `${head}.${body}.${b64url(mac)}`;
  }

  /** A token for `sa`, bound to what `options` names. The caller checked that they exist. */
  issue(sa: ServiceAccount, options: TokenOptions = {}): IssuedToken {
    const now = Math.floor(this.deps.clock.now() / 1000);
    const audiences = options.audiences?.length ? options.audiences : [API_AUDIENCE];
    const seconds =
      options.expirationSeconds === undefined ? DEFAULT_TOKEN_SECONDS : options.expirationSeconds;
    const namespace = sa.metadata.namespace ?? "";
    const private_: TokenClaims["kubernetes.io"] = { namespace, serviceaccount: refOf(sa) };
    if (options.pod) {
      private_.pod = refOf(options.pod);
      const nodeName = options.pod.spec?.nodeName;
      const node = nodeName ? this.deps.store.get<Node>("nodes", undefined, nodeName) : undefined;
      if (node) private_.node = refOf(node);
    }
    if (options.secret) private_.secret = refOf(options.secret);
    const claims: TokenClaims = {
      iss: this.issuer,
      sub: serviceAccountUser(namespace, sa.metadata.name ?? ""),
      aud: audiences,
      iat: now,
      nbf: now,
      jti: randomUUID(),
      "kubernetes.io": private_,
    };
    if (seconds !== null) claims.exp = now + seconds;
    const issued: IssuedToken = { token: this.sign(claims), audiences };
    if (seconds !== null) {
      issued.expirationSeconds = seconds;
      issued.expirationTimestamp = new Date((now + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    }
    return issued;
  }

  /**
   * The token a pod's containers get (what the agent-delivery step mounts at
   * /var/run/secrets/kubernetes.io/serviceaccount/token): for the pod's ServiceAccount
   * (`spec.serviceAccountName`, else `default`), bound to the pod's uid and its node, an hour
   * long. Undefined when the ServiceAccount does not exist (the pod must wait, as on
   * Kubernetes) or the pod is not stored.
   */
  issuePodToken(
    pod: Pod,
    options: { audiences?: string[]; expirationSeconds?: number } = {},
  ): IssuedToken | undefined {
    const namespace = pod.metadata.namespace ?? "";
    const stored = this.deps.store.get<Pod>("pods", namespace, pod.metadata.name ?? "");
    if (!stored || stored.metadata.uid !== pod.metadata.uid || stored.metadata.deletionTimestamp)
      return undefined;
    const saName = (stored.spec as { serviceAccountName?: string }).serviceAccountName || "default";
    const sa = this.deps.store.get<ServiceAccount>("serviceaccounts", namespace, saName);
    if (!sa) return undefined;
    return this.issue(sa, {
      pod: stored,
      expirationSeconds: options.expirationSeconds ?? POD_TOKEN_SECONDS,
      ...(options.audiences ? { audiences: options.audiences } : {}),
    });
  }

  /** The claims of a token this server signed, still in date, for `audience`; else undefined. */
  verify(token: string, audience = API_AUDIENCE): TokenClaims | undefined {
    const jwt = parseJwt(token);
    if (!jwt) return undefined;
    const header = jwt.header as { alg?: unknown };
    if (header?.alg !== "HS256") return undefined;
    const expected = createHmac("sha256", this.deps.signingKey).update(jwt.signed).digest();
    if (expected.length !== jwt.signature.length || !timingSafeEqual(expected, jwt.signature))
      return undefined;
    const claims = jwt.claims as TokenClaims;
    const now = Math.floor(this.deps.clock.now() / 1000);
    if (claims.iss !== this.issuer || !Array.isArray(claims.aud) || !claims.aud.includes(audience))
      return undefined;
    if (typeof claims.nbf === "number" && claims.nbf > now + 60) return undefined;
    if (claims.exp !== undefined && !(typeof claims.exp === "number" && claims.exp > now)) return undefined;
    return claims;
  }

  /** A principal while the token verifies and what it names still exists, same uids. */
  authenticate(bearerToken: string | undefined): Principal | undefined {
    if (!bearerToken) return undefined;
    const claims = this.verify(bearerToken);
    const k = claims?.["kubernetes.io"];
    if (!k || typeof k.namespace !== "string" || !k.serviceaccount) return undefined;
    const { store } = this.deps;
    const same = (o: KubeObject | undefined, ref: Ref | undefined): boolean =>
      o !== undefined && ref !== undefined && o.metadata.uid === ref.uid;
    const sa = store.get("serviceaccounts", k.namespace, k.serviceaccount.name);
    if (!same(sa, k.serviceaccount)) return undefined;
    if (k.pod) {
      const pod = store.get<Pod>("pods", k.namespace, k.pod.name);
      if (!same(pod, k.pod)) return undefined;
    }
    if (k.node && !same(store.get("nodes", undefined, k.node.name), k.node)) return undefined;
    if (k.secret) {
      const secret = store.get<Secret>("secrets", k.namespace, k.secret.name);
      if (!same(secret, k.secret)) return undefined;
      // A legacy token is valid only while its Secret still holds it.
      if (claims?.exp === undefined && secret?.data?.["token"] !== b64(bearerToken)) return undefined;
    }
    const principal: Principal = {
      kind: "serviceaccount",
      namespace: k.namespace,
      name: k.serviceaccount.name,
      uid: k.serviceaccount.uid,
    };
    if (k.pod) principal.pod = { name: k.pod.name, uid: k.pod.uid };
    if (k.node) principal.node = k.node.name;
    return principal;
  }
}

function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
