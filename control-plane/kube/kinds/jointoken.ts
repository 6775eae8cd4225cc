// everynode.io/v1 JoinToken: a token a host joins the cluster with. The admin lists, makes
// and revokes them (control-plane/auth/token-routes.ts, a router of its own); the secret is
// only in the answer to the POST that made it. Not published in discovery: `kubectl create`
// would print "created" and drop that answer, losing the secret, and the router has none of
// the table, watch and patch support kubectl expects of a listed resource; `everynode token`
// is the way in. Its schema is everynode's own, written here
// in the shape of the vendored Kubernetes definitions.

import type { Definition } from "../openapi/definitions.js";
import { META_V1, ref } from "../openapi/definitions.js";
import { defineKind } from "./kind.js";

const GVK = { group: "everynode.io", version: "v1" };
const PREFIX = "io.everynode.v1";
const str = (description: string): Definition => ({ type: "string", description });

const typeMeta = {
  apiVersion: str("APIVersion defines the versioned schema of this representation of an object."),
  kind: str("Kind is a string value representing the REST resource this object represents."),
};

const definitions: Record<string, Definition> = {
  [`${PREFIX}.JoinToken`]: {
    description: "A token a host presents once to join the cluster as a node.",
    type: "object",
    properties: {
      ...typeMeta,
      metadata: { ...ref(`${META_V1}.ObjectMeta`), description: "The token's id is its name." },
      spec: ref(`${PREFIX}.JoinTokenSpec`),
      status: ref(`${PREFIX}.JoinTokenStatus`),
    },
    "x-kubernetes-group-version-kind": [{ ...GVK, kind: "JoinToken" }],
  },
  [`${PREFIX}.JoinTokenSpec`]: {
    description: "What the token is for and how long it lasts.",
    type: "object",
    properties: {
      description: str("A note for people: which machine the token is for. At most 256 characters."),
      expires: {
        ...ref(`${META_V1}.Time`),
        description: "When the token stops working. Absent: it never expires.",
      },
      ttl: str("On create only: how long the token lasts (30m, 24h, 7d); 0 or absent: it never expires."),
    },
  },
  [`${PREFIX}.JoinTokenStatus`]: {
    description: "The token's state.",
    type: "object",
    properties: {
      expired: { type: "boolean", description: "True once the token has expired." },
      token: str("The join token itself; only in the answer to the create that made it."),
    },
  },
  [`${PREFIX}.JoinTokenList`]: {
    description: "A list of join tokens, oldest first.",
    type: "object",
    required: ["items"],
    properties: {
      ...typeMeta,
      metadata: ref(`${META_V1}.ListMeta`),
      items: { type: "array", items: ref(`${PREFIX}.JoinToken`) },
    },
    "x-kubernetes-group-version-kind": [{ ...GVK, kind: "JoinTokenList" }],
  },
};

export const joinTokenKind = defineKind({
  ...GVK,
  kind: "JoinToken",
  listKind: "JoinTokenList",
  resource: "jointokens",
  singular: "jointoken",
  namespaced: false,
  shortNames: [],
  categories: [],
  verbs: ["create", "delete", "get", "list"],
  subresources: [],
  servedBy: "router",
  definition: `${PREFIX}.JoinToken`,
  definitions,
  immutable: ["spec"],
  fieldSelectors: {},
  hooks: {},
});
