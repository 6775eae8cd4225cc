#!/usr/bin/env node
// Writes control-plane/kube/openapi/kubernetes-definitions.json: the definitions of a
// Kubernetes OpenAPI v2 (swagger) document that everynode's kinds reach, with their
// descriptions (kubectl explain shows them), keys sorted so that a regeneration diffs cleanly.
//
//   node scripts/vendor-kubernetes-openapi.mjs <swagger.json> [--commit <sha>] [--version <v>]
//
// The swagger comes from kubernetes-client/javascript (src/gen/swagger.json.unprocessed),
// which publishes the API server's document for each Kubernetes release. Add a root below
// when everynode learns a kind; its List is taken along when the swagger has one.

/* global console, process */

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";

const ROOTS = [
  "io.k8s.api.core.v1.Pod",
  "io.k8s.api.core.v1.Node",
  "io.k8s.api.core.v1.Namespace",
  "io.k8s.api.core.v1.Event",
  "io.k8s.api.core.v1.ConfigMap",
  "io.k8s.api.core.v1.Secret",
  "io.k8s.api.core.v1.ServiceAccount",
  "io.k8s.api.apps.v1.DaemonSet",
  "io.k8s.api.apps.v1.ControllerRevision",
  "io.k8s.api.rbac.v1.Role",
  "io.k8s.api.rbac.v1.ClusterRole",
  "io.k8s.api.rbac.v1.RoleBinding",
  "io.k8s.api.rbac.v1.ClusterRoleBinding",
  "io.k8s.api.coordination.v1.Lease",
  "io.k8s.api.authentication.v1.TokenRequest",
  "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
  "io.k8s.api.authorization.v1.SubjectAccessReview",
  "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
  "io.k8s.api.policy.v1.Eviction",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
  "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
  // The body of every PATCH operation in the OpenAPI documents.
  "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
];

const DEFAULTS = {
  source: "https://github.com/kubernetes-client/javascript/blob/afd5af77/src/gen/swagger.json.unprocessed",
  commit: "afd5af77",
  commitTitle: "Automated openapi generation from release-1.36",
  kubernetesVersion: "1.36",
};

const REF = "#/definitions/";

function parseArgs(argv) {
  const [input, ...rest] = argv;
  if (!input) {
    console.error(
      "usage: vendor-kubernetes-openapi.mjs <swagger.json> [--source URL] [--commit SHA] [--version V]",
    );
    process.exit(2);
  }
  const options = { ...DEFAULTS };
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`${rest[i]} needs a value`);
    if (rest[i] === "--source") options.source = value;
    else if (rest[i] === "--commit") options.commit = value;
    else if (rest[i] === "--title") options.commitTitle = value;
    else if (rest[i] === "--version") options.kubernetesVersion = value;
    else throw new Error(`unknown option ${rest[i]}`);
  }
  return { input, options };
}

/** The names of every definition reachable from `roots` through $ref. */
function reachable(definitions, roots) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop();
    if (seen.has(name)) continue;
    const def = definitions[name];
    if (def === undefined) throw new Error(`the swagger has no definition ${name}`);
    seen.add(name);
    JSON.stringify(def, (key, value) => {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF))
        queue.push(value.slice(REF.length));
      return value;
    });
  }
  return seen;
}

/** A copy with every object's keys in code-point order (arrays keep their order). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

const { input, options } = parseArgs(process.argv.slice(2));
const swagger = JSON.parse(readFileSync(input, "utf8"));
const all = swagger.definitions ?? {};
const roots = ROOTS.flatMap((r) => (all[`${r}List`] ? [r, `${r}List`] : [r]));
const names = [...reachable(all, roots)].sort();
const definitions = Object.fromEntries(names.map((n) => [n, all[n]]));

const document = sortKeys({
  provenance: {
    source: options.source,
    commit: options.commit,
    commitTitle: options.commitTitle,
    kubernetesVersion: options.kubernetesVersion,
    licence: "Apache-2.0, Copyright The Kubernetes Authors",
    generator: "scripts/vendor-kubernetes-openapi.mjs",
    roots,
  },
  definitions,
});

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "control-plane", "kube", "openapi", "kubernetes-definitions.json");
// Formatted as the repository's prettier would, so that `prettier --check` passes as written.
const config = (await resolveConfig(out)) ?? {};
writeFileSync(out, await format(JSON.stringify(document), { ...config, filepath: out }));
console.log(`${out}: ${names.length} definitions from ${roots.length} roots`);
