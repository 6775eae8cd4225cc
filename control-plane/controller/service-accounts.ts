// Keeps a `default` ServiceAccount in every namespace (made again when deleted, none in a
// namespace being terminated), and fills in legacy `kubernetes.io/service-account-token`
// Secrets: `token`, `ca.crt`, `namespace`, and the account's uid annotation, as Kubernetes'
// token controller does. A pass is cheap (a look at each namespace and each such Secret)
// and runs after any change to namespaces, ServiceAccounts or Secrets, coalesced.

import type { KubeObject } from "../../shared/api-types.js";
import type { Logger } from "../../shared/logger.js";
import {
  SECRET_TYPES,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_UID_ANNOTATION,
  type Secret,
  type ServiceAccount,
} from "../../shared/config-types.js";
import { isEverynodeError } from "../../shared/errors.js";
import type { ServiceAccountTokens } from "../auth/service-account-tokens.js";
import type { Store } from "../store/store.js";

export const DEFAULT_SERVICE_ACCOUNT = "default";

export interface ServiceAccountControllerDeps {
  store: Store;
  logger: Logger;
  tokens: ServiceAccountTokens;
  /** The cluster CA, PEM: the `ca.crt` of legacy token Secrets. */
  caPem: string;
}

const WATCHED = new Set(["namespaces", "serviceaccounts", "secrets"]);

/** What a pass should write: pure, over the objects as they are. */
export function planServiceAccounts(
  namespaces: readonly KubeObject[],
  serviceAccounts: readonly ServiceAccount[],
  secrets: readonly Secret[],
): { create: string[]; fill: { secret: Secret; account: ServiceAccount }[] } {
  const accounts = new Map(serviceAccounts.map((sa) => [`${sa.metadata.namespace}/${sa.metadata.name}`, sa]));
  const create = namespaces
    .filter(
      (ns) =>
        !ns.metadata.deletionTimestamp &&
        (ns.status as { phase?: string } | undefined)?.phase !== "Terminating",
    )
    .map((ns) => ns.metadata.name ?? "")
    .filter((ns) => !accounts.has(`${ns}/${DEFAULT_SERVICE_ACCOUNT}`));
  const fill: { secret: Secret; account: ServiceAccount }[] = [];
  for (const secret of secrets) {
    if (secret.type !== SECRET_TYPES.serviceAccountToken || secret.metadata.deletionTimestamp) continue;
    if (secret.data?.["token"]) continue;
    const name = secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION];
    const account = name ? accounts.get(`${secret.metadata.namespace}/${name}`) : undefined;
    const wantedUid = secret.metadata.annotations?.[SERVICE_ACCOUNT_UID_ANNOTATION];
    if (account && (!wantedUid || wantedUid === account.metadata.uid)) fill.push({ secret, account });
  }
  return { create, fill };
}

export class ServiceAccountController {
  private unsubscribe: (() => void) | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(private readonly deps: ServiceAccountControllerDeps) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.deps.store.onChange((events) => {
      if (events.some((e) => WATCHED.has(e.resource))) this.trigger();
    });
    this.trigger();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private trigger(): void {
    if (this.immediate || !this.unsubscribe) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.runOnce();
    });
  }

  /** One pass now (tests call it). A write that loses a race is left to the next pass. */
  runOnce(): void {
    const { store } = this.deps;
    const plan = planServiceAccounts(
      store.list("namespaces"),
      store.list<ServiceAccount>("serviceaccounts"),
      store.list<Secret>("secrets"),
    );
    for (const namespace of plan.create) {
      this.attempt(`create the default ServiceAccount of ${namespace}`, () =>
        store.transaction((tx) => {
          const ns = tx.get("namespaces", undefined, namespace);
          if (!ns || ns.metadata.deletionTimestamp) return;
          if (tx.get("serviceaccounts", namespace, DEFAULT_SERVICE_ACCOUNT)) return;
          tx.create("serviceaccounts", {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace },
          });
        }),
      );
    }
    for (const { secret, account } of plan.fill) {
      this.attempt(`fill in the token Secret ${secret.metadata.namespace}/${secret.metadata.name}`, () => {
        const issued = this.deps.tokens.issue(account, { secret, expirationSeconds: null });
        const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
        store.update<Secret>(
          "secrets",
          {
            ...secret,
            metadata: {
              ...secret.metadata,
              annotations: {
                ...secret.metadata.annotations,
                [SERVICE_ACCOUNT_UID_ANNOTATION]: account.metadata.uid ?? "",
              },
            },
            data: {
              ...secret.data,
              token: b64(issued.token),
              "ca.crt": b64(this.deps.caPem),
              namespace: b64(secret.metadata.namespace ?? ""),
            },
          },
          { expectedResourceVersion: secret.metadata.resourceVersion ?? "" },
        );
      });
    }
  }

  private attempt(what: string, write: () => void): void {
    try {
      write();
    } catch (e) {
      // A conflict or a vanished object: the change that caused it triggers another pass.
      if (isEverynodeError(e) && ["Conflict", "NotFound", "AlreadyExists"].includes(e.code)) return;
      this.deps.logger.warn(`could not ${what}`, { error: String(e) });
    }
  }
}
