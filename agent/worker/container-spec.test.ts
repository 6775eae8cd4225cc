import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { LABELS } from "../runtime/labels.js";
import { buildCreateSpec, emptyDirPath } from "./container-spec.js";

function pod(spec: Partial<Pod["spec"]>): Pod {
  return {
    metadata: {
      name: "web-x",
      namespace: "default",
      uid: "u1",
      labels: { "controller-revision-hash": "h1" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "web", uid: "d1", controller: true },
      ],
    },
    spec: { nodeName: "n1", containers: [{ name: "web", image: "everynode/web:test" }], ...spec },
  };
}
const CTX = { nodeName: "n1", hostIP: "10.0.0.5", podIP: "10.0.0.5", dataDir: "/data", restartCount: 2 };

describe("buildCreateSpec", () => {
  it("labels the container with pod, node, DaemonSet, revision and attempt", () => {
    const p = pod({});
    const s = buildCreateSpec(p, p.spec.containers[0]!, CTX);
    expect(s.labels).toMatchObject({
      [LABELS.managed]: "true",
      [LABELS.podUid]: "u1",
      [LABELS.podName]: "web-x",
      [LABELS.podNamespace]: "default",
      [LABELS.container]: "web",
      [LABELS.node]: "n1",
      [LABELS.daemonSet]: "web",
      [LABELS.revision]: "h1",
      [LABELS.restartCount]: "2",
    });
    expect(s.name).toBe("everynode_web_web-x_default_u1_2");
    expect(s.init).toBe(true);
    expect(s.entrypoint).toBeUndefined();
    expect(s.cmd).toBeUndefined();
  });

  it("maps command, args, ports, volumes, limits and privileged", () => {
    const p = pod({
      containers: [
        {
          name: "web",
          image: "everynode/web:test",
          command: ["httpd"],
          args: ["-f", "-p", "80"],
          workingDir: "/www",
          ports: [
            { containerPort: 80, hostPort: 8080 },
            { containerPort: 53, hostPort: 5353, protocol: "UDP", hostIP: "127.0.0.1" },
            { containerPort: 9000 },
          ],
          volumeMounts: [
            { name: "logs", mountPath: "/var/log", readOnly: true },
            { name: "scratch", mountPath: "/scratch" },
          ],
          resources: { limits: { cpu: "500m", memory: "64Mi" } },
          securityContext: { privileged: true },
        },
      ],
      volumes: [
        { name: "logs", hostPath: { path: "/var/log", type: "Directory" } },
        { name: "scratch", emptyDir: {} },
      ],
    });
    const s = buildCreateSpec(p, p.spec.containers[0]!, CTX);
    expect(s).toMatchObject({
      entrypoint: ["httpd"],
      cmd: ["-f", "-p", "80"],
      workingDir: "/www",
      ports: [
        { containerPort: 80, protocol: "tcp", hostPort: 8080, hostIP: "0.0.0.0" },
        { containerPort: 53, protocol: "udp", hostPort: 5353, hostIP: "127.0.0.1" },
      ],
      binds: [
        { hostPath: "/var/log", containerPath: "/var/log", readOnly: true, hostPathType: "Directory" },
        {
          hostPath: "/data/pods/u1/volumes/scratch",
          containerPath: "/scratch",
          readOnly: false,
          hostPathType: "DirectoryOrCreate",
          emptyDir: true,
        },
      ],
      nanoCpus: 500_000_000,
      memoryBytes: 64 * 1024 * 1024,
      privileged: true,
      hostNetwork: false,
    });
  });

  it("publishes nothing with hostNetwork (the node's ports are the pod's)", () => {
    const p = pod({
      hostNetwork: true,
      containers: [{ name: "web", image: "x:1", ports: [{ containerPort: 80, hostPort: 80 }] }],
    });
    const s = buildCreateSpec(p, p.spec.containers[0]!, CTX);
    expect(s.hostNetwork).toBe(true);
    expect(s.ports).toEqual([]);
  });

  it.each([
    ["1", 1e9],
    ["2.5", 2.5e9],
    ["250m", 2.5e8],
  ])("cpu %s → %i nanoCPUs", (cpu, want) => {
    const p = pod({ containers: [{ name: "web", image: "x:1", resources: { limits: { cpu } } }] });
    expect(buildCreateSpec(p, p.spec.containers[0]!, CTX).nanoCpus).toBe(want);
  });

  it.each<[Record<string, string>, Record<string, string>, number | undefined]>([
    [{ cpu: "250m" }, {}, 256],
    [{ cpu: "1" }, { cpu: "2" }, 1024],
    [{}, { cpu: "500m" }, 512],
    [{ cpu: "1m" }, {}, 2],
    [{}, {}, undefined],
  ])("cpu request %j (limits %j) → %s CPU shares, as the kubelet weighs it", (requests, limits, want) => {
    const p = pod({ containers: [{ name: "web", image: "x:1", resources: { requests, limits } }] });
    expect(buildCreateSpec(p, p.spec.containers[0]!, CTX).cpuShares).toBe(want);
  });

  it.each([
    ["128Mi", 134217728],
    ["1Gi", 1073741824],
    ["500M", 5e8],
    ["1e6", 1e6],
    ["1024", 1024],
  ])("memory %s → %i bytes", (memory, want) => {
    const p = pod({ containers: [{ name: "web", image: "x:1", resources: { limits: { memory } } }] });
    expect(buildCreateSpec(p, p.spec.containers[0]!, CTX).memoryBytes).toBe(want);
  });

  it("refuses a volume kind everynode does not support, naming it", () => {
    const p = pod({
      containers: [{ name: "web", image: "x:1", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
      volumes: [{ name: "data", nfs: { server: "s", path: "/" } }],
    });
    expect(() => buildCreateSpec(p, p.spec.containers[0]!, CTX)).toThrow(/projected, not nfs/);
  });

  it("mounts a configMap volume's folder read-only, whatever the mount says", () => {
    const p = pod({
      containers: [
        {
          name: "web",
          image: "x:1",
          volumeMounts: [{ name: "cfg", mountPath: "/etc/cfg", readOnly: false }],
        },
      ],
      volumes: [{ name: "cfg", configMap: { name: "c" } }],
    });
    expect(buildCreateSpec(p, p.spec.containers[0]!, CTX).binds).toEqual([
      {
        hostPath: emptyDirPath(CTX.dataDir, p.metadata.uid ?? "", "cfg"),
        containerPath: "/etc/cfg",
        readOnly: true,
        hostPathType: "Directory",
        volume: "cfg",
      },
    ]);
  });

  it("gives an emptyDir's folder to the fsGroup when made, never a hostPath or a configMap's", () => {
    const p = pod({
      securityContext: { fsGroup: 2000 },
      containers: [
        {
          name: "web",
          image: "x:1",
          volumeMounts: [
            { name: "scratch", mountPath: "/scratch" },
            { name: "host", mountPath: "/host" },
            { name: "cfg", mountPath: "/cfg" },
          ],
        },
      ],
      volumes: [
        { name: "scratch", emptyDir: {} },
        { name: "host", hostPath: { path: "/srv" } },
        { name: "cfg", configMap: { name: "c" } },
      ],
    });
    const binds = buildCreateSpec(p, p.spec.containers[0]!, CTX).binds;
    expect(binds.map((b) => [b.volume, b.ownership, b.emptyDir])).toEqual([
      ["scratch", { gid: 2000, readOnly: false }, true],
      ["host", undefined, undefined],
      ["cfg", undefined, undefined],
    ]);
  });
});
