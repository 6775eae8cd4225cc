// The upstream DaemonSet manifests of test/fixtures/upstream (see its README.md): which files
// each one is, in the order a user applies them, the namespace it needs, its stand-in images
// (scripts/build-upstream-images.sh) and how its outside addresses are pointed at a test's own.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rewriteUpstreamManifest, type UpstreamRewrite } from "./upstream-manifests.js";

export const UPSTREAM_IMAGE_PREFIX = process.env["EVERYNODE_UPSTREAM_PREFIX"] ?? "everynode-upstream";
const local = (name: string): string => `${UPSTREAM_IMAGE_PREFIX}/${name}:test`;

/** Upstream image repositories → stand-in images (any tag of the repository). */
export const STAND_IN_IMAGES: Record<string, string> = {
  "quay.io/fluentd_elasticsearch/fluentd": local("fluentd-elasticsearch"),
  "fluent/fluent-bit": local("fluent-bit"),
  "docker.elastic.co/beats/filebeat": local("filebeat"),
  "timberio/vector": local("vector"),
  "quay.io/prometheus/node-exporter": local("node-exporter"),
  "quay.io/brancz/kube-rbac-proxy": local("kube-rbac-proxy"),
  "registry.k8s.io/kube-proxy": local("kube-proxy"),
  "docker.io/flannel/flannel": local("flannel"),
  "docker.io/flannel/flannel-cni-plugin": local("flannel-cni-plugin"),
  "docker.io/weaveworks/kured": local("kured"),
  "k8s.gcr.io/node-problem-detector": local("node-problem-detector"),
};

/** The test's own stand-ins for the services manifests send to. */
export interface OutsideServices {
  /** host and port of something answering HTTP where Elasticsearch would be */
  elasticsearch?: { host: string; port: number };
  /** everynode's API URL, for kubeconfigs that name the API server (kube-proxy) */
  apiServer?: string;
  /** host:port of a registry serving the stand-in images under their own names: the images
   * are then named there, so that `imagePullPolicy: Always` pulls them as it would upstream's */
  registry?: string;
}

export interface UpstreamFixture {
  /** folder under test/fixtures/upstream */
  name: string;
  /** files in the order a user applies them */
  files: string[];
  /** namespace of the DaemonSet */
  namespace: string;
  /** the test creates the namespace, as upstream's instructions do outside the files
   * (kube-system and default are everynode's own) */
  namespaceCreatedByTest: boolean;
  daemonSet: string;
  /** env and text replacements for the outside services; none for most */
  addresses: (services: OutsideServices) => Pick<UpstreamRewrite, "env" | "text">;
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`this fixture needs OutsideServices.${what}`);
  return value;
};

export const UPSTREAM_FIXTURES: UpstreamFixture[] = [
  {
    name: "fluentd-elasticsearch",
    files: ["daemonset.yaml"],
    namespace: "kube-system",
    namespaceCreatedByTest: false,
    daemonSet: "fluentd-elasticsearch",
    addresses: () => ({}),
  },
  {
    name: "node-exporter",
    files: [
      "setup/namespace.yaml",
      "nodeExporter-serviceAccount.yaml",
      "nodeExporter-clusterRole.yaml",
      "nodeExporter-clusterRoleBinding.yaml",
      "nodeExporter-daemonset.yaml",
      "nodeExporter-service.yaml",
      "nodeExporter-serviceMonitor.yaml",
      "nodeExporter-prometheusRule.yaml",
      "nodeExporter-networkPolicy.yaml",
    ],
    namespace: "monitoring",
    namespaceCreatedByTest: false,
    daemonSet: "node-exporter",
    addresses: () => ({}),
  },
  {
    name: "fluent-bit",
    files: [
      "everynode-service-account-and-role.yaml",
      "fluent-bit-role-binding-1.22.yaml",
      "fluent-bit-configmap.yaml",
      "fluent-bit-ds.yaml",
    ],
    namespace: "logging",
    namespaceCreatedByTest: true,
    daemonSet: "fluent-bit",
    addresses: (s) => {
      const es = need(s.elasticsearch, "elasticsearch");
      return { env: { FLUENT_ELASTICSEARCH_HOST: es.host, FLUENT_ELASTICSEARCH_PORT: String(es.port) } };
    },
  },
  {
    name: "filebeat",
    files: ["filebeat-kubernetes.yaml"],
    namespace: "kube-system",
    namespaceCreatedByTest: false,
    daemonSet: "filebeat",
    addresses: (s) => {
      const es = need(s.elasticsearch, "elasticsearch");
      return { env: { ELASTICSEARCH_HOST: es.host, ELASTICSEARCH_PORT: String(es.port) } };
    },
  },
  {
    name: "vector",
    files: ["serviceaccount.yaml", "rbac.yaml", "configmap.yaml", "daemonset.yaml", "service-headless.yaml"],
    namespace: "default",
    namespaceCreatedByTest: false,
    daemonSet: "vector",
    addresses: () => ({}),
  },
  {
    name: "kube-proxy",
    files: ["kube-proxy.yaml"],
    namespace: "kube-system",
    namespaceCreatedByTest: false,
    daemonSet: "kube-proxy",
    addresses: (s) => ({ text: { "https://control-plane.example:6443": need(s.apiServer, "apiServer") } }),
  },
  {
    name: "flannel",
    files: ["kube-flannel.yml"],
    namespace: "kube-flannel",
    namespaceCreatedByTest: false,
    daemonSet: "kube-flannel-ds",
    addresses: () => ({}),
  },
  {
    name: "kured",
    files: ["kured-rbac.yaml", "kured-ds.yaml"],
    namespace: "kube-system",
    namespaceCreatedByTest: false,
    daemonSet: "kured",
    addresses: () => ({}),
  },
  {
    name: "node-problem-detector",
    files: ["rbac.yaml", "node-problem-detector-config.yaml", "node-problem-detector.yaml"],
    namespace: "kube-system",
    namespaceCreatedByTest: false,
    daemonSet: "node-problem-detector",
    addresses: () => ({}),
  },
];

/** Where the fixtures are: test/fixtures/upstream, committed with their SOURCE.md. */
export function upstreamFixturesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/upstream");
}

export function upstreamFixture(name: string): UpstreamFixture {
  const fixture = UPSTREAM_FIXTURES.find((f) => f.name === name);
  if (!fixture) throw new Error(`no upstream fixture ${name}`);
  return fixture;
}

/** The upstream files of a fixture, unchanged, as one multi-document YAML text. */
export function readUpstreamManifest(name: string): string {
  const dir = path.join(upstreamFixturesDir(), name);
  return upstreamFixture(name)
    .files.map((f) => {
      const file = path.join(dir, f);
      if (!existsSync(file)) throw new Error(`${file} is missing: see ${path.join(dir, "SOURCE.md")}`);
      const text = readFileSync(file, "utf8");
      return text.endsWith("\n") ? text : `${text}\n`;
    })
    .join("---\n");
}

/** The manifest a test applies: upstream's files with stand-in images and the test's addresses. */
export function testManifest(name: string, services: OutsideServices = {}): string {
  const registry = services.registry;
  const images = registry
    ? Object.fromEntries(Object.entries(STAND_IN_IMAGES).map(([k, v]) => [k, `${registry}/${v}`]))
    : STAND_IN_IMAGES;
  const rewrite = { images, ...upstreamFixture(name).addresses(services) };
  return rewriteUpstreamManifest(readUpstreamManifest(name), rewrite);
}
