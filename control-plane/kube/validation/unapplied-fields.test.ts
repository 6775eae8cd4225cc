import { describe, expect, it } from "vitest";
import { meaninglessFieldWarnings, unappliedFieldErrors } from "./unapplied-fields.js";

const P = "spec.template.spec";
const c = (extra: Record<string, unknown>): Record<string, unknown> => ({
  containers: [{ name: "a", image: "i", ...extra }],
});

describe("unappliedFieldErrors", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a plain pod", c({}), []],
    [
      "defaults",
      {
        ...c({ terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File" }),
        dnsPolicy: "ClusterFirst",
      },
      [],
    ],
    [
      "hostPath, emptyDir",
      {
        ...c({}),
        volumes: [
          { name: "h", hostPath: { path: "/" } },
          { name: "e", emptyDir: {} },
        ],
      },
      [],
    ],
    [
      "an nfs volume",
      {
        ...c({}),
        volumes: [
          { name: "h", hostPath: { path: "/" } },
          { name: "n", nfs: { server: "s", path: "/" } },
        ],
      },
      [`${P}.volumes[1].nfs`],
    ],
    [
      "configMap, secret, downwardAPI and projected volumes",
      {
        ...c({}),
        volumes: [
          {
            name: "c",
            configMap: { name: "c", items: [{ key: "k", path: "p", mode: 256 }], defaultMode: 420 },
          },
          { name: "s", secret: { secretName: "s", optional: true } },
          {
            name: "d",
            downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] },
          },
          { name: "p", projected: { sources: [{ configMap: { name: "c" } }, { secret: { name: "s" } }] } },
        ],
      },
      [],
    ],
    [
      "emptyDir in memory, and with a size limit on disk",
      {
        ...c({}),
        volumes: [
          { name: "e", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
          { name: "d", emptyDir: { sizeLimit: "1Gi" } },
        ],
      },
      [],
    ],
    [
      "a projected service-account token (mounted)",
      {
        ...c({}),
        volumes: [
          {
            name: "p",
            projected: { sources: [{ configMap: { name: "c" } }, { serviceAccountToken: { path: "t" } }] },
          },
        ],
      },
      [],
    ],
    [
      "emptyDir in huge pages",
      { ...c({}), volumes: [{ name: "e", emptyDir: { medium: "HugePages" } }] },
      [`${P}.volumes[0].emptyDir.medium`],
    ],
    ["hostPID false", { ...c({}), hostPID: false }, []],
    ["hostPID", { ...c({}), hostPID: true }, []],
    [
      "pod security",
      { ...c({}), securityContext: { runAsUser: 1, fsGroup: 2, sysctls: [] } },
      [`${P}.securityContext.sysctls`],
    ],
    ["privileged", c({ securityContext: { privileged: true } }), []],
    [
      "capabilities",
      c({ securityContext: { capabilities: { add: ["NET_ADMIN"] }, procMount: "Unmasked" } }),
      [`${P}.containers[0].securityContext.procMount`],
    ],
    [
      "init containers",
      { ...c({}), initContainers: [{ name: "i", image: "i", lifecycle: { preStop: {} } }] },
      [],
    ],
    [
      "configMapKeyRef, secretKeyRef and envFrom",
      c({
        env: [
          { name: "A", value: "x" },
          { name: "B", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
          { name: "C", valueFrom: { configMapKeyRef: { name: "c", key: "k", optional: true } } },
        ],
        envFrom: [{ configMapRef: { name: "c" }, prefix: "P_" }, { secretRef: { name: "s" } }],
      }),
      [],
    ],
    ["fieldRef", c({ env: [{ name: "B", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }] }), []],
    ["propagation None", c({ volumeMounts: [{ name: "v", mountPath: "/v", mountPropagation: "None" }] }), []],
    [
      "propagation",
      c({
        volumeMounts: [
          { name: "v", mountPath: "/v", mountPropagation: "HostToContainer", subPathExpr: "$(X)" },
        ],
      }),
      [`${P}.containers[0].volumeMounts[0].subPathExpr`],
    ],
    [
      "gpu limit",
      c({ resources: { limits: { cpu: "1", "nvidia.com/gpu": 1 } } }),
      [`${P}.containers[0].resources.limits[nvidia.com/gpu]`],
    ],
    [
      "cpu and memory",
      c({ resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } } }),
      [],
    ],
    ["grpc probe", c({ livenessProbe: { grpc: { port: 1 } } }), [`${P}.containers[0].livenessProbe.grpc`]],
    ["tty", c({ tty: true, stdin: false }), [`${P}.containers[0].tty`]],
    [
      "pod affinity",
      { ...c({}), affinity: { nodeAffinity: {}, podAntiAffinity: {} } },
      [`${P}.affinity.podAntiAffinity`],
    ],
    ["imagePullSecrets (used for pulls)", { ...c({}), imagePullSecrets: [{ name: "r" }] }, []],
    [
      "ephemeral containers",
      { ...c({}), ephemeralContainers: [{ name: "e" }] },
      [`${P}.ephemeralContainers`],
    ],
    ["dns None", { ...c({}), dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"] } }, []],
    [
      "dnsConfig with ClusterFirst",
      { ...c({}), dnsPolicy: "ClusterFirst", dnsConfig: { nameservers: ["1.1.1.1"] } },
      [`${P}.dnsConfig`],
    ],
  ])("%s", (_what, spec, fields) => {
    const errs = unappliedFieldErrors(spec, P);
    expect(errs.map((e) => e.field)).toEqual(fields);
    for (const e of errs)
      expect(e).toMatchObject({
        type: "FieldValueForbidden",
        message: expect.stringMatching(/^Forbidden: /),
      });
  });
});

describe("meaninglessFieldWarnings", () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ["a plain pod", { ...c({}), schedulerName: "default-scheduler", serviceAccountName: "default" }, []],
    ["priority class", { ...c({}), priorityClassName: "system-node-critical" }, [`${P}.priorityClassName`]],
    ["spread", { ...c({}), topologySpreadConstraints: [{}] }, [`${P}.topologySpreadConstraints`]],
    [
      "service account (mounted: no warning)",
      { ...c({}), serviceAccountName: "fluent-bit", automountServiceAccountToken: true },
      [],
    ],
    [
      "memory request",
      c({ resources: { requests: { memory: "1Gi" } } }),
      [`${P}.containers[0].resources.requests.memory`],
    ],
  ])("%s", (_what, spec, fields) => {
    const warnings = meaninglessFieldWarnings(spec, P);
    expect(warnings.map((w) => w.slice(0, w.indexOf(": ")))).toEqual(fields);
  });
});
