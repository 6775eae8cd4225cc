import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  imageRepository,
  manifestObjects,
  rewriteUpstreamManifest,
  upstreamImages,
} from "./upstream-manifests.js";
import {
  STAND_IN_IMAGES,
  UPSTREAM_FIXTURES,
  readUpstreamManifest,
  testManifest,
  upstreamFixturesDir,
} from "./upstream-fixtures.js";

const manifest = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  agent.yaml: |
    clients:
    - url: https://{LOKI}/loki/api/v1/push
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent # keep me
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      initContainers:
      - name: init
        image: ghcr.io/example/init:v1
        command: [cp, -f, /a, /b]
      containers:
      - name: agent
        image: quay.io/example/agent:v2.3
        args: ["--hostname-override=$(NODE_NAME)"]
        env:
        - name: ES_HOST
          value: elasticsearch
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
---
`;

const images = { "ghcr.io/example/init:v1": "local/init:test", "quay.io/example/agent": "local/agent:test" };

describe("rewriteUpstreamManifest", () => {
  it("swaps each container's image, by whole reference or by repository, and nothing else", () => {
    const out = manifestObjects(rewriteUpstreamManifest(manifest, { images }));
    const before = manifestObjects(manifest);
    const spec = (objs: Record<string, unknown>[]) =>
      (objs[1] as { spec: { template: { spec: Record<string, { image: string }[]> } } }).spec.template.spec;
    expect(spec(out)["initContainers"]?.[0]?.image).toBe("local/init:test");
    expect(spec(out)["containers"]?.[0]?.image).toBe("local/agent:test");
    spec(before)["initContainers"]![0]!.image = "local/init:test";
    spec(before)["containers"]![0]!.image = "local/agent:test";
    expect(out).toEqual(before);
  });

  it("keeps comments and drops empty documents", () => {
    const out = rewriteUpstreamManifest(manifest, { images });
    expect(out).toContain("# keep me");
    expect(manifestObjects(out).map((o) => o["kind"])).toEqual(["ConfigMap", "DaemonSet"]);
  });

  it("refuses a manifest with an image it has no stand-in for", () => {
    expect(() => rewriteUpstreamManifest(manifest, { images: { "quay.io/example/agent": "x" } })).toThrow(
      "no local image for: ghcr.io/example/init:v1",
    );
  });

  it("points env values and texts at the test's services, and says when one is not there", () => {
    const out = rewriteUpstreamManifest(manifest, {
      images,
      env: { ES_HOST: "127.0.0.1" },
      text: { "https://{LOKI}": "http://127.0.0.1:3100" },
    });
    const [cfg, ds] = manifestObjects(out) as [{ data: Record<string, string> }, unknown];
    expect(cfg.data["agent.yaml"]).toContain("- url: http://127.0.0.1:3100/loki/api/v1/push");
    expect(JSON.stringify(ds)).toContain('{"name":"ES_HOST","value":"127.0.0.1"}');
    expect(() => rewriteUpstreamManifest(manifest, { images, env: { MISSING: "x" } })).toThrow("MISSING");
    expect(() => rewriteUpstreamManifest(manifest, { images, env: { NODE_NAME: "x" } })).toThrow("valueFrom");
    expect(() => rewriteUpstreamManifest(manifest, { images, text: { nowhere: "x" } })).toThrow("nowhere");
  });

  it("reads and writes file modes as kubectl does (YAML 1.1 octal)", () => {
    const withMode =
      "kind: DaemonSet\nspec:\n  template:\n    spec:\n      volumes:\n" +
      "      - name: config\n        configMap: {name: cfg, defaultMode: 0640}\n";
    const out = rewriteUpstreamManifest(withMode, { images });
    expect(out).toContain("defaultMode: 0640");
    expect(JSON.stringify(manifestObjects(out))).toContain('"defaultMode":416');
  });

  it("refuses YAML that does not parse", () => {
    expect(() => rewriteUpstreamManifest("a: [b", { images })).toThrow("does not parse");
  });
});

describe("imageRepository and upstreamImages", () => {
  it.each([
    ["quay.io/prometheus/node-exporter:v1.12.1", "quay.io/prometheus/node-exporter"],
    ["docker.io/weaveworks/kured", "docker.io/weaveworks/kured"],
    ["localhost:5000/agent", "localhost:5000/agent"],
    ["localhost:5000/agent:1.0", "localhost:5000/agent"],
    ["nginx@sha256:0123abcd", "nginx"],
  ])("%s is of %s", (ref, repo) => {
    expect(imageRepository(ref)).toBe(repo);
  });

  it("lists every image once, init containers included", () => {
    expect(upstreamImages(manifest)).toEqual(["ghcr.io/example/init:v1", "quay.io/example/agent:v2.3"]);
  });
});

const services = {
  elasticsearch: { host: "127.0.0.1", port: 19200 },
  apiServer: "https://127.0.0.1:16443",
};

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full, `${prefix}${entry}/`) : [`${prefix}${entry}`];
  });
}

describe("the committed upstream fixtures", () => {
  it("are one folder per fixture, each holding its SOURCE.md and exactly the files it lists", () => {
    const dir = upstreamFixturesDir();
    const folders = readdirSync(dir).filter((e) => statSync(path.join(dir, e)).isDirectory());
    expect(folders.sort()).toEqual(UPSTREAM_FIXTURES.map((f) => f.name).sort());
    for (const fixture of UPSTREAM_FIXTURES) {
      expect(filesUnder(path.join(dir, fixture.name)).sort()).toEqual([...fixture.files, "SOURCE.md"].sort());
    }
  });
});

describe.each(UPSTREAM_FIXTURES.map((f) => [f.name, f] as const))("upstream fixture %s", (name, fixture) => {
  it("becomes a test manifest with stand-ins only", () => {
    const upstream = readUpstreamManifest(name);
    const out = testManifest(name, services);
    expect(manifestObjects(out).length).toBe(manifestObjects(upstream).length);
    for (const image of upstreamImages(out)) {
      expect(Object.values(STAND_IN_IMAGES)).toContain(image);
    }
    const ds = manifestObjects(out).find((o) => o["kind"] === "DaemonSet") as
      { metadata: { name: string; namespace?: string } } | undefined;
    expect(ds?.metadata.name).toBe(fixture.daemonSet);
    expect(ds?.metadata.namespace ?? "default").toBe(fixture.namespace);
  });
});
