#!/usr/bin/env node
// Writes control-plane/kube/openapi/kubernetes-definitions.json: the Kubernetes OpenAPI v2
// (swagger) definitions that everynode's kinds reach, with their descriptions (kubectl explain
// shows them), keys sorted so that a regeneration diffs cleanly.
//
//   node scripts/vendor-kubernetes-openapi.mjs
//
// The source is the npm package @kubernetes/client-node (a devDependency): its models
// (dist/gen/models/<Model>.js) carry each property's JSON name, type and format, generated
// from the API server's OpenAPI document of one Kubernetes release, and their .d.ts files
// carry each type's and property's description as JSDoc. What the client does not carry (API
// groups, list and patch metadata, Quantities) comes from scripts/kubernetes-api-facts.mjs.
// Add a root below when everynode learns a kind; its List is taken along when there is one.

/* global console, structuredClone */

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format, resolveConfig } from "prettier";
import * as facts from "./kubernetes-api-facts.mjs";

const ROOTS = [
  "core.v1.Pod",
  "core.v1.Node",
  "core.v1.Namespace",
  "core.v1.Event",
  "core.v1.ConfigMap",
  "core.v1.Secret",
  "core.v1.ServiceAccount",
  "apps.v1.DaemonSet",
  "apps.v1.ControllerRevision",
  "rbac.v1.Role",
  "rbac.v1.ClusterRole",
  "rbac.v1.RoleBinding",
  "rbac.v1.ClusterRoleBinding",
  "coordination.v1.Lease",
  "authentication.v1.TokenRequest",
  "authorization.v1.SelfSubjectAccessReview",
  "authorization.v1.SubjectAccessReview",
  "authorization.v1.SelfSubjectRulesReview",
  "policy.v1.Eviction",
  `${facts.META}.Status`,
  `${facts.META}.DeleteOptions`,
  // The body of every PATCH operation in the OpenAPI documents.
  `${facts.META}.Patch`,
];

const PACKAGE = "@kubernetes/client-node";
const REF = "#/definitions/";
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, "..", "node_modules", ...PACKAGE.split("/"));
const modelsDir = join(packageDir, "dist", "gen", "models");
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));

/** `core.v1.PodSpec` → `io.k8s.api.core.v1.PodSpec`; apimachinery's packages keep theirs. */
const fullName = (short) =>
  /^(apis|api|util|runtime)\./.test(short) ? `io.k8s.apimachinery.pkg.${short}` : `io.k8s.api.${short}`;

// --- the client's names ----------------------------------------------------------------------

const packageOf = new Map(
  Object.entries(facts.PACKAGES).flatMap(([pkgName, types]) => types.map((t) => [t, pkgName])),
);

/** The client's model name → its definition (short form); `CoreV1Event`, `V1PodSpec`. */
function definitionOfModel(model) {
  const prefixed = /^([A-Z][a-z]+)(V\d+)([A-Z]\w*)$/.exec(model);
  if (prefixed) return `${prefixed[1].toLowerCase()}.${prefixed[2].toLowerCase()}.${prefixed[3]}`;
  const plain = /^V1([A-Z]\w*)$/.exec(model);
  if (!plain) throw new Error(`${model}: not a v1 model name`);
  return `${packageOf.get(plain[1]) ?? facts.CORE}.${plain[1]}`;
}

/** A definition's model: `V1<Type>` when that maps back to it, else `<Group>V1<Type>`. */
function modelOfDefinition(short) {
  const [group, version, type] = short.split(".").slice(-3);
  const candidates = [`V1${type}`, `${group[0].toUpperCase()}${group.slice(1)}V1${type}`];
  return candidates.find((m) => version === "v1" && exists(m) && definitionOfModel(m) === short);
}

const exists = (model) => existsSync(join(modelsDir, `${model}.d.ts`));

// --- reading a model -------------------------------------------------------------------------

/** The generator escapes quotes and backslashes, and writes `*_/` for a `*\/` in the text. */
const unescapeDoc = (text) => text.replace(/\\(["'\\])/g, "$1").replaceAll("*_/", "*/");

/** From the .d.ts: the class's description, and each property's description and optionality. */
function readDeclaration(model) {
  const props = new Map();
  let classDoc;
  let doc; // the lines of the JSDoc being read, then its text until a declaration takes it
  let inDoc = false;
  for (const line of readFileSync(join(modelsDir, `${model}.d.ts`), "utf8").split("\n")) {
    const prop = /^ {4}'([^']+)'(\?)?:/.exec(line);
    if (/^\s*\/\*\*\s*$/.test(line)) [inDoc, doc] = [true, []];
    else if (inDoc && /^\s*\*\/\s*$/.test(line)) [inDoc, doc] = [false, unescapeDoc(doc.join("\n").trim())];
    else if (inDoc) doc.push(line.replace(/^\s*\* ?/, ""));
    else if (/^export declare class /.test(line)) [classDoc, doc] = [doc, undefined];
    else if (prop) {
      props.set(prop[1], { description: doc, required: prop[2] !== "?" });
      doc = undefined;
    } else if (line.trim() !== "") doc = undefined;
  }
  return { description: classDoc || undefined, props };
}

const attributesOf = async (model) =>
  (await import(pathToFileURL(join(modelsDir, `${model}.js`)).href))[model].attributeTypeMap;

// --- types -----------------------------------------------------------------------------------

const ref = (short) => ({ $ref: `${REF}${fullName(short)}` });
const SCALAR_TYPES = {
  "string:": { type: "string" },
  "string:byte": { type: "string", format: "byte" },
  "boolean:": { type: "boolean" },
  "number:int32": { type: "integer", format: "int32" },
  "number:int64": { type: "integer", format: "int64" },
  "number:double": { type: "number", format: "double" },
  "Date:date-time": ref(`${facts.META}.Time`),
  "V1MicroTime:date-time-micro": ref(`${facts.META}.MicroTime`),
  "IntOrString:int-or-string": ref("util.intstr.IntOrString"),
  // A free-form value the schema does not look into.
  "any:": { type: "object", "x-kubernetes-preserve-unknown-fields": true },
};

/** A client type and format as a schema; `models` collects the models it names. */
function schemaOf(type, fmt, models) {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: "array", items: schemaOf(array[1], fmt, models) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: "object", additionalProperties: schemaOf(map[1], fmt, models) };
  const scalar = SCALAR_TYPES[`${type}:${fmt}`];
  if (scalar) return structuredClone(scalar);
  if (/^[A-Z]\w*V1\w*$|^V1[A-Z]\w*$/.test(type) && exists(type)) {
    models.add(type);
    return ref(definitionOfModel(type));
  }
  throw new Error(`no schema for the client's type ${type} (format "${fmt}")`);
}

// Fields the client types as a plain scalar or `any` that Kubernetes names a type for;
// `name{}` is a map of them.
const namedFieldTypes = new Map(
  Object.entries(facts.NAMED_FIELD_TYPES).flatMap(([type, fields]) =>
    fields.map((f) => [f.replace(/\{\}$/, ""), { type, map: f.endsWith("{}") }]),
  ),
);
const usedNamedFields = new Set();

// Descriptions the client writes on a property that are its type's, not the field's.
const typeDescriptions = new Map();
const TYPE_DESCRIBED = [`${facts.META}.MicroTime`, "util.intstr.IntOrString"];

async function definitionOf(model, models) {
  const short = definitionOfModel(model);
  const { description, props } = readDeclaration(model);
  const properties = {};
  const required = [];
  for (const attr of await attributesOf(model)) {
    const decl = props.get(attr.name);
    if (decl === undefined) throw new Error(`${model}.${attr.name}: not in the .d.ts`);
    const named = namedFieldTypes.get(`${short}.${attr.baseName}`);
    let schema = schemaOf(attr.type, attr.format, models);
    if (named) {
      usedNamedFields.add(`${short}.${attr.baseName}`);
      schema = named.map ? { type: "object", additionalProperties: ref(named.type) } : ref(named.type);
    }
    const target = schema.$ref?.slice(REF.length);
    const typeDescribed = TYPE_DESCRIBED.find((t) => target === fullName(t));
    if (typeDescribed && decl.description !== undefined)
      typeDescriptions.set(typeDescribed, decl.description);
    else if (decl.description !== undefined) schema.description = decl.description;
    properties[attr.baseName] = schema;
    if (decl.required) required.push(attr.baseName);
  }
  const def = { type: "object", properties };
  if (description !== undefined) def.description = description;
  if (required.length > 0) def.required = required;
  return [short, def];
}

// --- the closure of the roots ----------------------------------------------------------------

/** Each root's model and its List's, in ROOTS order; the scalars are written, not modelled. */
function rootModels() {
  const out = [];
  for (const root of ROOTS) {
    if (Object.hasOwn(facts.SCALARS, root)) {
      out.push({ root });
      continue;
    }
    const model = modelOfDefinition(root);
    if (model === undefined) throw new Error(`${PACKAGE} has no model for ${root}`);
    out.push({ root, model });
    const list = modelOfDefinition(`${root}List`);
    if (list !== undefined) out.push({ root: `${root}List`, model: list });
  }
  return out;
}

const roots = rootModels();
const definitions = {};
const reachedFrom = new Map(); // model → the API groups of the roots that reach it
for (const { root, model } of roots) {
  if (model === undefined) continue;
  const group = root.split(".")[0];
  const queue = [model];
  const seen = new Set();
  while (queue.length > 0) {
    const m = queue.pop();
    if (seen.has(m)) continue;
    seen.add(m);
    reachedFrom.set(m, new Set([...(reachedFrom.get(m) ?? []), group]));
    const models = new Set();
    const [short, def] = await definitionOf(m, models);
    definitions[short] = def;
    queue.push(...models);
  }
}

// A core/v1 type reached only from another group's kinds is likely that group's: say so.
for (const [model, groups] of reachedFrom) {
  const short = definitionOfModel(model);
  const type = short.split(".").pop();
  if (short.startsWith(`${facts.CORE}.`) && !groups.has("core") && !facts.CORE_USED_ELSEWHERE.includes(type))
    throw new Error(
      `${model} is reached only from ${[...groups]}: add it to PACKAGES or CORE_USED_ELSEWHERE`,
    );
}

// --- what the facts add ----------------------------------------------------------------------

const reachedRefs = new Set();
JSON.stringify(definitions, (key, value) => {
  if (key === "$ref") reachedRefs.add(value.slice(REF.length));
  return value;
});
for (const [short, def] of Object.entries(facts.SCALARS)) {
  if (!reachedRefs.has(fullName(short)) && !ROOTS.includes(short)) continue;
  definitions[short] = { ...def };
  const described = typeDescriptions.get(short);
  if (described !== undefined && def.description === undefined) definitions[short].description = described;
}
const unused = [...namedFieldTypes.keys()].filter((f) => !usedNamedFields.has(f));
if (unused.length > 0) throw new Error(`NAMED_FIELD_TYPES names fields the client lacks: ${unused}`);

function propertyOf(short, prop, table) {
  const def = definitions[short];
  if (def?.properties?.[prop] === undefined)
    throw new Error(`${table}: ${short}.${prop} is not in the client`);
  return def.properties[prop];
}
for (const [short, fields] of Object.entries(facts.FIELD_EXTENSIONS))
  for (const [prop, ext] of Object.entries(fields))
    Object.assign(propertyOf(short, prop, "FIELD_EXTENSIONS"), structuredClone(ext));
for (const [short, props] of Object.entries(facts.ATOMIC_LISTS))
  for (const prop of props) propertyOf(short, prop, "ATOMIC_LISTS")["x-kubernetes-list-type"] = "atomic";
for (const short of facts.ATOMIC_STRUCTS) {
  if (definitions[short] === undefined) throw new Error(`ATOMIC_STRUCTS: ${short} is not reached`);
  definitions[short]["x-kubernetes-map-type"] = "atomic";
}
for (const [short, unions] of Object.entries(facts.UNIONS)) {
  if (definitions[short] === undefined) throw new Error(`UNIONS: ${short} is not reached`);
  definitions[short]["x-kubernetes-unions"] = unions;
}

// Each kind and list says which group/version/kind it is; DeleteOptions is every group's.
const gvk = (short, groups = [short.split(".")[0]]) =>
  groups.map((g) => ({ group: facts.API_GROUPS[g], version: "v1", kind: short.split(".").pop() }));
for (const { root } of roots) {
  if (root === `${facts.META}.Status`)
    definitions[root]["x-kubernetes-group-version-kind"] = gvk("core.v1.Status");
  else if (root === `${facts.META}.DeleteOptions`)
    definitions[root]["x-kubernetes-group-version-kind"] = gvk(root, Object.keys(facts.API_GROUPS));
  else if (!root.startsWith(`${facts.META}.`))
    definitions[root]["x-kubernetes-group-version-kind"] = gvk(root);
}

// Lists without list metadata, for the reviewer of a regeneration (a new field may need some).
const bare = Object.entries(definitions).flatMap(([short, def]) =>
  Object.entries(def.properties ?? {})
    .filter(([, p]) => p.type === "array" && p["x-kubernetes-list-type"] === undefined)
    .filter(([prop]) => !(short.endsWith("List") && prop === "items"))
    .map(([prop]) => `${short}.${prop}`),
);
if (bare.length > 0) console.log(`lists without x-kubernetes-list-type: ${bare.join(", ")}`);

// --- the file --------------------------------------------------------------------------------

/** A copy with every object's keys in code-point order (arrays keep their order). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

const names = Object.keys(definitions).map(fullName).sort();
const document = sortKeys({
  provenance: {
    source: `https://www.npmjs.com/package/${PACKAGE}/v/${pkg.version}`,
    package: `${PACKAGE}@${pkg.version}`,
    kubernetesVersion: kubernetesVersion(),
    licence: `${pkg.license}, Copyright The Kubernetes Authors`,
    generator: "scripts/vendor-kubernetes-openapi.mjs",
    // Groups, list and patch metadata, Quantities: written by everynode, not the client's.
    facts: "scripts/kubernetes-api-facts.mjs",
    roots: roots.map((r) => fullName(r.root)),
  },
  definitions: Object.fromEntries(Object.entries(definitions).map(([short, def]) => [fullName(short), def])),
});

/** The Kubernetes release the client's models were generated from (their header says). */
function kubernetesVersion() {
  const header = readFileSync(join(modelsDir, "V1Pod.d.ts"), "utf8");
  const version = /OpenAPI spec version: v(\d+\.\d+)/.exec(header);
  if (!version) throw new Error("V1Pod.d.ts does not say its OpenAPI spec version");
  return version[1];
}

const out = join(here, "..", "control-plane", "kube", "openapi", "kubernetes-definitions.json");
// Formatted as the repository's prettier would, so that `prettier --check` passes as written.
const config = (await resolveConfig(out)) ?? {};
writeFileSync(out, await format(JSON.stringify(document), { ...config, filepath: out }));
console.log(`${out}: ${names.length} definitions from ${roots.length} roots (${PACKAGE} ${pkg.version})`);
