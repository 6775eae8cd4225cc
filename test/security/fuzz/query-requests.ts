// Hostile reads: label and field selectors (with escapes), limit, continue, timeoutSeconds,
// watch and resourceVersion, on every collection and on items, as the admin and as a node.

import fc from "fast-check";
import type { Caller, FuzzRequest, Targets } from "./http-requests.js";
import { hugeString } from "./hostile-values.js";
import { FUZZ_NODE, FUZZ_NS } from "./manifests.js";

const COLLECTIONS = [
  "/api/v1/nodes",
  "/api/v1/pods",
  `/api/v1/namespaces/${FUZZ_NS}/pods`,
  "/api/v1/namespaces",
  `/api/v1/namespaces/${FUZZ_NS}/events`,
  "/api/v1/events",
  "/apis/apps/v1/daemonsets",
  `/apis/apps/v1/namespaces/${FUZZ_NS}/daemonsets`,
  `/apis/apps/v1/namespaces/${FUZZ_NS}/controllerrevisions`,
];

const selectorKey = fc.oneof(
  fc.constantFrom("app", "tier", "kubernetes.io/hostname", "a.b/c", "", "-", "x".repeat(64), "é", "a,b"),
  fc.string({ maxLength: 6 }),
);
const selectorValue = fc.oneof(
  fc.constantFrom("fuzz", FUZZ_NODE, "", "x\\,y", "a\\=b", "\\", "\\\\", "(", ")", "a b", "🔥"),
  fc.string({ maxLength: 8 }),
);
const labelTerm = fc.oneof(
  fc.tuple(selectorKey, fc.constantFrom("=", "==", "!="), selectorValue).map(([k, o, v]) => `${k}${o}${v}`),
  fc
    .tuple(
      selectorKey,
      fc.constantFrom(" in ", " notin ", "in", " IN "),
      fc.array(selectorValue, { maxLength: 4 }),
    )
    .map(([k, o, vs]) => `${k}${o}(${vs.join(",")})`),
  selectorKey.map((k) => `!${k}`),
  selectorKey,
  fc.constantFrom("(", ")", ",", ",,", "!", "=", "in (", "a in (b", "a notin ()"),
);
export const labelSelector = fc.oneof(
  fc.array(labelTerm, { maxLength: 5 }).map((t) => t.join(",")),
  fc
    .integer({ min: 1_000, max: 200_000 })
    .map((n) => Array.from({ length: n / 10 }, (_, i) => `k${i}=v`).join(",")),
);

const fieldName = fc.oneof(
  fc.constantFrom(
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "status.phase",
    "spec.unschedulable",
    "involvedObject.name",
    "metadata.labels",
    "",
  ),
  fc.string({ maxLength: 10 }),
);
const fieldTerm = fc.oneof(
  fc
    .tuple(fieldName, fc.constantFrom("=", "==", "!=", "", "=="), selectorValue)
    .map(([k, o, v]) => `${k}${o}${v}`),
  // An escaped comma or equals sign that makes one term look like two.
  fc.tuple(fieldName, selectorValue).map(([k, v]) => `${k}!=${v}\\,spec.nodeName=${FUZZ_NODE}`),
  fc.tuple(fieldName, selectorValue).map(([k, v]) => `${k}=${v}\\=spec.nodeName\\=${FUZZ_NODE}`),
  fc.constant(`spec.nodeName=${FUZZ_NODE}`),
  fc.constantFrom("\\", "\\\\,", ",", "=", "spec.nodeName", `spec.nodeName = ${FUZZ_NODE}`),
);
export const fieldSelector = fc.array(fieldTerm, { maxLength: 4 }).map((t) => t.join(","));

// Terms on fields pods support, one of which only pretends to pin the node.
const podField = fc.constantFrom("metadata.name", "metadata.namespace", "spec.nodeName", "status.phase");
const nodeFieldSelector = fc
  .array(
    fc.oneof(
      fc
        .tuple(podField, fc.constantFrom("!=", "="), selectorValue)
        .map(([k, o, v]) => `${k}${o}${v}\\,spec.nodeName=${FUZZ_NODE}`),
      fc.tuple(podField, fc.constantFrom("!=", "=", "=="), selectorValue).map(([k, o, v]) => `${k}${o}${v}`),
      fc.constant(`spec.nodeName=${FUZZ_NODE}`),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((t) => t.join(","));

const numberish = fc.oneof(
  fc.integer({ min: -5, max: 500 }).map(String),
  fc.constantFrom(
    "",
    "0",
    "-1",
    "1.5",
    "1e3",
    "1e308",
    "1e400",
    "Infinity",
    "NaN",
    "0x10",
    " 5",
    "9007199254740993",
    "99999999999999999999",
    "2147483648",
    "4294967296000",
    "abc",
  ),
);
const continueToken = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc
    .record({
      v: fc.constantFrom(1, 2, "1"),
      rv: fc.oneof(fc.integer(), fc.constant(-1), fc.constant(1e308)),
      ns: fc.string({ maxLength: 5 }),
      n: fc.string({ maxLength: 5 }),
    })
    .map((o) => Buffer.from(JSON.stringify(o)).toString("base64url")),
  fc.constant(Buffer.from("{".repeat(10_000)).toString("base64url")),
  fc.constant(hugeString(100_000)),
);

const params = fc.record(
  {
    labelSelector,
    fieldSelector,
    limit: numberish,
    continue: continueToken,
    timeoutSeconds: numberish,
    resourceVersion: fc.oneof(numberish, fc.constantFrom("", "0", "1", "abc")),
    resourceVersionMatch: fc.constantFrom("NotOlderThan", "Exact", "bogus"),
    allowWatchBookmarks: fc.constantFrom("true", "false", "1", "x"),
    sendInitialEvents: fc.constantFrom("true", "false"),
    watch: fc.constantFrom("true", "1", "false", "0", "yes"),
    includeObject: fc.constantFrom("Object", "None", "Metadata", "x"),
    pretty: fc.constantFrom("true", "1"),
    unknownParameter: fc.string({ maxLength: 5 }),
  },
  { requiredKeys: [] },
);

const ACCEPTS = [
  "application/json",
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
  "application/json;as=Table;v=v1beta1;g=meta.k8s.io",
  "application/yaml",
  "application/vnd.kubernetes.protobuf",
  "*/*",
  "text/html",
];

export interface QueryRequest extends FuzzRequest {
  /** A node's list of pods: every item it gets must be bound to it. */
  nodePodList: boolean;
}

/** A node listing pods with only selectors: the authorizer's field-selector check in focus. */
function nodePodList(): fc.Arbitrary<QueryRequest> {
  return fc
    .record({
      path: fc.constantFrom("/api/v1/pods", `/api/v1/namespaces/${FUZZ_NS}/pods`),
      q: fc.record(
        { fieldSelector: nodeFieldSelector, labelSelector: fc.constantFrom("", "app=fuzz", "app") },
        { requiredKeys: ["fieldSelector"] },
      ),
    })
    .map(({ path, q }) => {
      const full = `${path}?${new URLSearchParams(q).toString()}`;
      return {
        method: "GET",
        path: full,
        caller: "node" as const,
        nodePodList: true,
        summary: `GET ${full} as node`,
      };
    });
}

/** A GET of a collection or item with hostile query parameters. */
export function queryRequest(t: Targets): fc.Arbitrary<QueryRequest> {
  return fc.oneof({ weight: 1, arbitrary: nodePodList() }, { weight: 3, arbitrary: anyQuery(t) });
}

function anyQuery(t: Targets): fc.Arbitrary<QueryRequest> {
  return fc
    .record({
      path: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...COLLECTIONS) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            `/api/v1/nodes/${FUZZ_NODE}`,
            `/api/v1/namespaces/${FUZZ_NS}/pods/${t.pod}`,
          ),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom("/api/v1/namespaces/%zz/pods", "/api/v1/nodes/%", "/api/v1/nodes/a%2Fb"),
        },
      ),
      q: params,
      caller: fc.constantFrom<Caller>("admin", "node", "node"),
      accept: fc.constantFrom(...ACCEPTS),
    })
    .map(({ path, q, caller, accept }) => {
      const qs = new URLSearchParams(q as Record<string, string>).toString();
      const full = qs ? `${path}?${qs}` : path;
      const stream = ["true", "1"].includes((q as Record<string, string>).watch ?? "");
      return {
        method: "GET",
        path: full,
        caller,
        stream,
        accept,
        nodePodList: caller === "node" && /\/pods(\?|$)/.test(full) && !stream,
        summary: `GET ${full.length > 600 ? `${full.slice(0, 600)}…` : full} as ${caller} (accept ${accept})`,
      };
    });
}
