// The TypeScript view of ConfigMaps, Secrets and ServiceAccounts: what everynode's code reads
// (the server, and the agent once it mounts them). The schema itself is upstream's
// (control-plane/kube/openapi).

import type { KubeObject } from "./api-types.js";

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  /** Values base64 encoded on the wire. */
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

export interface Secret extends KubeObject {
  /** Values base64 encoded on the wire. */
  data?: Record<string, string>;
  /** Write-only: merged into `data` by the API server, never stored. */
  stringData?: Record<string, string>;
  type?: string;
  immutable?: boolean;
}

export interface ObjectReference {
  name?: string;
  namespace?: string;
  kind?: string;
  uid?: string;
  apiVersion?: string;
}

export interface ServiceAccount extends KubeObject {
  secrets?: ObjectReference[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

/** The Secret types Kubernetes defines and checks. */
export const SECRET_TYPES = {
  opaque: "Opaque",
  serviceAccountToken: "kubernetes.io/service-account-token",
  dockercfg: "kubernetes.io/dockercfg",
  dockerConfigJson: "kubernetes.io/dockerconfigjson",
  basicAuth: "kubernetes.io/basic-auth",
  sshAuth: "kubernetes.io/ssh-auth",
  tls: "kubernetes.io/tls",
  bootstrapToken: "bootstrap.kubernetes.io/token",
} as const;

/** The annotations of a legacy service-account-token Secret. */
export const SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";
export const SERVICE_ACCOUNT_UID_ANNOTATION = "kubernetes.io/service-account.uid";
