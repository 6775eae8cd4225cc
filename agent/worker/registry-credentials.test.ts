import { describe, expect, it } from "vitest";
import type { DeliveredObject } from "../../shared/config-delivery.js";
import { imageLocation, keyLocation, keyMatches, pullCredentialsFor } from "./registry-credentials.js";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

function dockerConfigJson(name: string, auths: Record<string, unknown>): DeliveredObject {
  return {
    namespace: "ns",
    name,
    uid: `u-${name}`,
    resourceVersion: "1",
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": b64(JSON.stringify({ auths })) },
  };
}

describe("imageLocation", () => {
  it.each([
    ["nginx", { host: "docker.io", port: "", path: "nginx" }],
    ["library/nginx:1.27", { host: "docker.io", port: "", path: "library/nginx" }],
    ["docker.io/grafana/promtail:3", { host: "docker.io", port: "", path: "grafana/promtail" }],
    [
      "quay.io/prometheus/node-exporter@sha256:ab",
      { host: "quay.io", port: "", path: "prometheus/node-exporter" },
    ],
    ["127.0.0.1:5000/team/app:v1", { host: "127.0.0.1", port: "5000", path: "team/app" }],
    ["localhost/app", { host: "localhost", port: "", path: "app" }],
    ["Registry.Example.com:443/a/b/c", { host: "registry.example.com", port: "443", path: "a/b/c" }],
  ])("%s", (image, want) => {
    expect(imageLocation(image)).toEqual(want);
  });
});

describe("keyMatches, as a kubelet matches docker config keys", () => {
  it.each([
    ["https://index.docker.io/v1/", "nginx", true],
    ["docker.io", "grafana/promtail", true],
    ["quay.io", "nginx", false],
    ["quay.io", "quay.io/prometheus/node-exporter", true],
    ["quay.io/prometheus", "quay.io/prometheus/node-exporter", true],
    ["quay.io/prometheus", "quay.io/prometheusx/a", false],
    ["quay.io/other", "quay.io/prometheus/node-exporter", false],
    ["*.example.com", "eu.example.com/app", true],
    ["*.example.com", "example.com/app", false],
    ["*.example.com", "a.b.example.com/app", false],
    ["registry-*.example.com", "registry-eu.example.com/app", true],
    ["127.0.0.1:5000", "127.0.0.1:5000/app", true],
    ["127.0.0.1:5000", "127.0.0.1:5001/app", false],
    ["127.0.0.1", "127.0.0.1:5000/app", false],
    ["http://127.0.0.1:5000/v2/", "127.0.0.1:5000/app", true],
  ])("key %s, image %s: %s", (key, image, want) => {
    expect(keyMatches(keyLocation(key)!, imageLocation(image))).toBe(want);
  });
});

describe("pullCredentialsFor", () => {
  const secrets = new Map<string, DeliveredObject>([
    ["hub", dockerConfigJson("hub", { "https://index.docker.io/v1/": { auth: b64("hubuser:hubpass") } })],
    [
      "corp",
      dockerConfigJson("corp", {
        "registry.corp:5000": { username: "corp", password: "p1" },
        "registry.corp:5000/team": { username: "team", password: "p2" },
      }),
    ],
    [
      "legacy",
      {
        namespace: "ns",
        name: "legacy",
        uid: "u",
        resourceVersion: "1",
        type: "kubernetes.io/dockercfg",
        data: { ".dockercfg": b64(JSON.stringify({ "registry.corp:5000": { auth: b64("old:p0") } })) },
      },
    ],
    ["opaque", { namespace: "ns", name: "opaque", uid: "u", resourceVersion: "1", type: "Opaque", data: {} }],
    [
      "broken",
      {
        namespace: "ns",
        name: "broken",
        uid: "u",
        resourceVersion: "1",
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": b64("{nope") },
      },
    ],
  ]);
  const lookup = (_ns: string, name: string) => secrets.get(name);
  const refs = (...names: string[]) => names.map((name) => ({ namespace: "ns", name }));

  it("gives Docker Hub's credentials for an image without a registry", () => {
    expect(pullCredentialsFor("nginx:1", refs("hub", "corp"), lookup)).toEqual({
      credentials: [
        { username: "hubuser", password: "hubpass", serveraddress: "https://index.docker.io/v1/" },
      ],
      problems: [],
    });
  });

  it("tries the most specific key first, then the others, each once, old dockercfg Secrets too", () => {
    const r = pullCredentialsFor("registry.corp:5000/team/app:2", refs("corp", "legacy", "corp"), lookup);
    expect(r.credentials).toEqual([
      { username: "team", password: "p2", serveraddress: "registry.corp:5000" },
      { username: "corp", password: "p1", serveraddress: "registry.corp:5000" },
      { username: "old", password: "p0", serveraddress: "registry.corp:5000" },
    ]);
  });

  it("names the Secrets it could not use and goes on without them", () => {
    const r = pullCredentialsFor("registry.corp:5000/x", refs("missing", "opaque", "broken", "corp"), lookup);
    expect(r.credentials).toEqual([
      { username: "corp", password: "p1", serveraddress: "registry.corp:5000" },
    ]);
    expect(r.problems).toEqual([
      'the image pull Secret "missing" does not exist',
      'the image pull Secret "opaque" is of type "Opaque", not kubernetes.io/dockerconfigjson',
      'the image pull Secret "broken" has a ".dockerconfigjson" that is not JSON',
    ]);
  });

  it("gives nothing for a registry no Secret names", () => {
    expect(pullCredentialsFor("quay.io/a/b", refs("hub", "corp"), lookup)).toEqual({
      credentials: [],
      problems: [],
    });
  });
});
