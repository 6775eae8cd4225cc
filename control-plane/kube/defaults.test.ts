import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { DaemonSet, Namespace, Node } from "../../shared/api-types.js";
import {
  applyDaemonSetDefaults,
  applyNamespaceDefaults,
  applyNodeDefaults,
  defaultPullPolicy,
} from "./defaults.js";
import { tutorialDaemonSet } from "./validation/test-manifests.js";

describe("applyDaemonSetDefaults", () => {
  it("gives the tutorial's ds.yaml exactly what a real apiserver stores", () => {
    const defaulted = applyDaemonSetDefaults(tutorialDaemonSet());
    expect(defaulted.spec).toEqual({
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              imagePullPolicy: "Always",
              terminationMessagePath: "/dev/termination-log",
              terminationMessagePolicy: "File",
              resources: {},
            },
          ],
          restartPolicy: "Always",
          dnsPolicy: "ClusterFirst",
          schedulerName: "default-scheduler",
          terminationGracePeriodSeconds: 30,
          securityContext: {},
        },
      },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    });
  });

  it("returns a copy and leaves the input, metadata and status alone", () => {
    const input = tutorialDaemonSet();
    input.status = {
      currentNumberScheduled: 2,
      numberMisscheduled: 0,
      desiredNumberScheduled: 2,
      numberReady: 1,
    };
    const before = structuredClone(input);
    const out = applyDaemonSetDefaults(input);
    expect(input).toEqual(before);
    expect(out.metadata).toEqual(before.metadata);
    expect(out.status).toEqual(before.status);
  });

  it("keeps what the user set", () => {
    const ds = tutorialDaemonSet();
    ds.spec.revisionHistoryLimit = 0;
    ds.spec.updateStrategy = { rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } };
    Object.assign(ds.spec.template.spec, {
      restartPolicy: "Always",
      dnsPolicy: "Default",
      terminationGracePeriodSeconds: 5,
    });
    const out = applyDaemonSetDefaults(ds);
    expect(out.spec.revisionHistoryLimit).toBe(0);
    expect(out.spec.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
    });
    expect(out.spec.template.spec).toMatchObject({ dnsPolicy: "Default", terminationGracePeriodSeconds: 5 });
  });

  it("gives OnDelete no rollingUpdate", () => {
    const ds = tutorialDaemonSet();
    ds.spec.updateStrategy = { type: "OnDelete" };
    expect(applyDaemonSetDefaults(ds).spec.updateStrategy).toEqual({ type: "OnDelete" });
  });

  it("defaults hostPort to containerPort with hostNetwork only", () => {
    const ds = tutorialDaemonSet();
    ds.spec.template.spec.containers[0]!.ports = [
      { containerPort: 9100 },
      { containerPort: 53, protocol: "UDP", hostPort: 53 },
    ];
    expect(applyDaemonSetDefaults(ds).spec.template.spec.containers[0]!.ports).toEqual([
      { containerPort: 9100, protocol: "TCP" },
      { containerPort: 53, protocol: "UDP", hostPort: 53 },
    ]);
    ds.spec.template.spec.hostNetwork = true;
    expect(applyDaemonSetDefaults(ds).spec.template.spec.containers[0]!.ports).toEqual([
      { containerPort: 9100, protocol: "TCP", hostPort: 9100 },
      { containerPort: 53, protocol: "UDP", hostPort: 53 },
    ]);
  });

  it("defaults volumes, env fieldRefs, probes and init containers", () => {
    const ds = parse(`
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      initContainers:
      - {name: init, image: "busybox:1.36"}
      containers:
      - name: agent
        image: registry.local:5000/agent
        env:
        - name: NODE
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        livenessProbe:
          httpGet: {port: 8080}
      volumes:
      - {name: logs, hostPath: {path: /var/log}}
      - {name: scratch}
      - {name: cfg, configMap: {name: agent}}
`) as DaemonSet;
    const spec = applyDaemonSetDefaults(ds).spec.template.spec;
    expect(spec.initContainers?.[0]?.imagePullPolicy).toBe("IfNotPresent");
    expect(spec.containers[0]?.imagePullPolicy).toBe("Always");
    expect(spec.containers[0]?.env?.[0]?.valueFrom?.fieldRef).toEqual({
      fieldPath: "spec.nodeName",
      apiVersion: "v1",
    });
    expect(spec.containers[0]?.livenessProbe).toEqual({
      httpGet: { port: 8080, path: "/", scheme: "HTTP" },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(spec.volumes).toEqual([
      { name: "logs", hostPath: { path: "/var/log", type: "" } },
      { name: "scratch", emptyDir: {} },
      { name: "cfg", configMap: { name: "agent", defaultMode: 420 } },
    ]);
  });
});

describe("defaultPullPolicy", () => {
  it.each([
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.27", "IfNotPresent"],
    ["library/nginx:stable-alpine", "IfNotPresent"],
    ["localhost:5000/web", "Always"],
    ["localhost:5000/web:latest", "Always"],
    ["localhost:5000/web:v2", "IfNotPresent"],
    ["nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"],
    ["nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"],
    ["everynode/web:test", "IfNotPresent"],
  ])("%s → %s", (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });

  it("keeps an explicit policy", () => {
    const ds = tutorialDaemonSet();
    ds.spec.template.spec.containers[0]!.imagePullPolicy = "Never";
    expect(applyDaemonSetDefaults(ds).spec.template.spec.containers[0]?.imagePullPolicy).toBe("Never");
  });
});

describe("applyNamespaceDefaults", () => {
  it("adds the kubernetes finalizer, phase Active and the name label", () => {
    const ns: Namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } };
    expect(applyNamespaceDefaults(ns)).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a", labels: { "kubernetes.io/metadata.name": "team-a" } },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    });
    expect(ns.spec).toBeUndefined();
  });

  it("keeps a Terminating phase", () => {
    const ns: Namespace = { metadata: { name: "old" }, status: { phase: "Terminating" } };
    expect(applyNamespaceDefaults(ns).status).toEqual({ phase: "Terminating" });
  });
});

describe("applyNodeDefaults", () => {
  it("gives allocatable from capacity when not reported", () => {
    const node = {
      metadata: { name: "n1" },
      status: { capacity: { cpu: "4", memory: "8Gi" } },
    } as unknown as Node;
    const out = applyNodeDefaults(node);
    expect(out.spec).toEqual({});
    expect(out.status?.allocatable).toEqual({ cpu: "4", memory: "8Gi" });
  });

  it("keeps a reported allocatable", () => {
    const node: Node = {
      metadata: { name: "n1" },
      spec: {},
      status: { capacity: { cpu: "4" }, allocatable: { cpu: "3500m" } },
    };
    expect(applyNodeDefaults(node).status?.allocatable).toEqual({ cpu: "3500m" });
  });
});
