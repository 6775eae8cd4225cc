// Turns an upstream manifest into the one a test applies: the same objects, with only the
// container images swapped for local stand-ins and the outside services' addresses
// (Elasticsearch, Loki, the API server a kubeconfig names) pointed at the test's own. Pure:
// YAML text in, YAML text out. Anything it was asked to change and did not find, and any
// image it has no stand-in for, is an error, so that a stale fixture or map cannot pass quietly.

import { isMap, isSeq, parseAllDocuments, visit, type Document, type YAMLMap } from "yaml";

export interface UpstreamRewrite {
  /** Image → local image. A key is a whole reference or a repository (any tag or digest). */
  images: Record<string, string>;
  /** Container env var name → new `value` (e.g. FLUENT_ELASTICSEARCH_HOST). */
  env?: Record<string, string>;
  /** Text → replacement inside any string value (ConfigMap data, args, env values). */
  text?: Record<string, string>;
}

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

/** Where each kind keeps its pod spec; kinds not listed carry no containers. */
const POD_SPEC_PATH: Record<string, string[]> = {
  Pod: ["spec"],
  DaemonSet: ["spec", "template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** The repository of an image reference: without its tag or digest. */
export function imageRepository(ref: string): string {
  const noDigest = ref.split("@")[0] ?? ref;
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > lastSlash ? noDigest.slice(0, colon) : noDigest;
}

function localImage(ref: string, images: Record<string, string>): string | undefined {
  return images[ref] ?? images[imageRepository(ref)];
}

// YAML 1.1, as kubectl reads manifests (sigs.k8s.io/yaml): `defaultMode: 0640` is octal 416.
// Read as YAML 1.2 it would be decimal 640 and be written back as such.
function parse(yamlText: string): Document.Parsed[] {
  const docs = parseAllDocuments(yamlText, { version: "1.1" });
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new Error(`upstream manifest does not parse: ${err.message}`);
  }
  return docs.filter((d) => d.toJS() !== null && d.toJS() !== undefined);
}

function podSpec(doc: Document.Parsed): YAMLMap | undefined {
  const kind = doc.get("kind");
  const path = typeof kind === "string" ? POD_SPEC_PATH[kind] : undefined;
  const spec = path ? doc.getIn(path) : undefined;
  return isMap(spec) ? spec : undefined;
}

function containers(doc: Document.Parsed): YAMLMap[] {
  const spec = podSpec(doc);
  if (!spec) return [];
  return CONTAINER_LISTS.flatMap((key) => {
    const list = spec.get(key);
    return isSeq(list) ? list.items.filter(isMap) : [];
  });
}

/** Every container image a manifest names, in order, once each. */
export function upstreamImages(yamlText: string): string[] {
  const refs = parse(yamlText).flatMap((doc) =>
    containers(doc).flatMap((c) => {
      const image = c.get("image");
      return typeof image === "string" ? [image] : [];
    }),
  );
  return [...new Set(refs)];
}

/** The manifest with images, env values and texts replaced as `rewrite` says. */
export function rewriteUpstreamManifest(yamlText: string, rewrite: UpstreamRewrite): string {
  const docs = parse(yamlText);
  const unmapped = new Set<string>();
  const usedEnv = new Set<string>();
  const usedText = new Set<string>();
  const env = rewrite.env ?? {};
  const text = rewrite.text ?? {};

  for (const doc of docs) {
    for (const container of containers(doc)) {
      const image = container.get("image");
      if (typeof image === "string") {
        const local = localImage(image, rewrite.images);
        if (local === undefined) unmapped.add(image);
        else container.set("image", local);
      }
      const envList = container.get("env");
      if (!isSeq(envList)) continue;
      for (const entry of envList.items) {
        if (!isMap(entry)) continue;
        const name = entry.get("name");
        if (typeof name !== "string" || !(name in env)) continue;
        if (entry.has("valueFrom")) throw new Error(`env ${name} comes from valueFrom, not a value`);
        entry.set("value", env[name]);
        usedEnv.add(name);
      }
    }
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value !== "string") return;
        let value = node.value;
        for (const [from, to] of Object.entries(text)) {
          if (value.includes(from)) {
            value = value.split(from).join(to);
            usedText.add(from);
          }
        }
        if (value !== node.value) node.value = value;
      },
    });
  }

  if (unmapped.size > 0) throw new Error(`no local image for: ${[...unmapped].join(", ")}`);
  const missingEnv = Object.keys(env).filter((k) => !usedEnv.has(k));
  if (missingEnv.length > 0) throw new Error(`env not found in any container: ${missingEnv.join(", ")}`);
  const missingText = Object.keys(text).filter((k) => !usedText.has(k));
  if (missingText.length > 0) throw new Error(`text not found in the manifest: ${missingText.join(", ")}`);
  // Each document starts with its own "---" (kept where upstream wrote one).
  return docs
    .map((doc) => {
      const text = doc.toString();
      return text.startsWith("---") ? text : `---\n${text}`;
    })
    .join("");
}

/** The objects of a manifest as plain data (for assertions on what a test applied). */
export function manifestObjects(yamlText: string): Record<string, unknown>[] {
  return parse(yamlText)
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is Record<string, unknown> => typeof o === "object" && o !== null && !Array.isArray(o));
}
