import { describe, expect, it } from "vitest";
import type { FieldError } from "../../../shared/errors.js";
import {
  C,
  T,
  causes,
  forbidden,
  inv,
  req,
  unsupported,
  type Mutation,
  LABEL_MSG,
  NAME_PART_MSG,
  QUANTITY_MSG,
} from "./test-helpers.js";

describe("validateDaemonSet: pod template", () => {
  it.each<[string, Mutation, FieldError]>([
    [
      "restartPolicy Never",
      (_d, pod) => (pod.restartPolicy = "Never"),
      unsupported(`${T}.restartPolicy`, "Never", '"Always"'),
    ],
    [
      "activeDeadlineSeconds",
      (_d, pod) => (pod.activeDeadlineSeconds = 60),
      forbidden(`${T}.activeDeadlineSeconds`, "activeDeadlineSeconds in DaemonSet is not Supported"),
    ],
    ["no containers", (_d, pod) => (pod.containers = []), req(`${T}.containers`)],
    [
      "container name not a DNS label",
      (_d, _p, c) => (c.name = "Web_1"),
      inv(`${C}.name`, '"Web_1"', LABEL_MSG),
    ],
    ["missing container name", (_d, _p, c) => delete c.name, req(`${C}.name`)],
    [
      "duplicate container names",
      (_d, pod) =>
        (pod.containers = [
          { name: "web", image: "nginx" },
          { name: "web", image: "busybox" },
        ]),
      { type: "FieldValueDuplicate", field: `${T}.containers[1].name`, message: 'Duplicate value: "web"' },
    ],
    [
      "init container named like a container",
      (_d, pod) => (pod.initContainers = [{ name: "nginx", image: "busybox" }]),
      {
        type: "FieldValueDuplicate",
        field: `${T}.initContainers[0].name`,
        message: 'Duplicate value: "nginx"',
      },
    ],
    ["missing image", (_d, _p, c) => delete c.image, req(`${C}.image`)],
    [
      "image with a trailing space",
      (_d, _p, c) => (c.image = "nginx "),
      inv(`${C}.image`, '"nginx "', "must not have leading or trailing whitespace"),
    ],
    [
      "unknown imagePullPolicy",
      (_d, _p, c) => (c.imagePullPolicy = "Sometimes"),
      unsupported(`${C}.imagePullPolicy`, "Sometimes", '"Always", "IfNotPresent", "Never"'),
    ],
    [
      "unknown dnsPolicy",
      (_d, pod) => (pod.dnsPolicy = "Cluster"),
      unsupported(
        `${T}.dnsPolicy`,
        "Cluster",
        '"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"',
      ),
    ],
    [
      "negative terminationGracePeriodSeconds",
      (_d, pod) => (pod.terminationGracePeriodSeconds = -1),
      inv(`${T}.terminationGracePeriodSeconds`, "-1", "must be greater than or equal to 0"),
    ],
    [
      "bad nodeSelector key",
      (_d, pod) => (pod.nodeSelector = { "disk type": "ssd" }),
      inv(`${T}.nodeSelector`, '"disk type"', NAME_PART_MSG),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });
});

describe("validateDaemonSet: ports", () => {
  const P = `${C}.ports[0]`;
  it.each<[string, Mutation, FieldError]>([
    ["containerPort missing", (_d, _p, c) => (c.ports = [{}]), req(`${P}.containerPort`)],
    [
      "containerPort out of range",
      (_d, _p, c) => (c.ports = [{ containerPort: 70000 }]),
      inv(`${P}.containerPort`, "70000", "must be between 1 and 65535, inclusive"),
    ],
    [
      "hostPort out of range",
      (_d, _p, c) => (c.ports = [{ containerPort: 80, hostPort: 65536 }]),
      inv(`${P}.hostPort`, "65536", "must be between 1 and 65535, inclusive"),
    ],
    [
      "unknown protocol",
      (_d, _p, c) => (c.ports = [{ containerPort: 80, protocol: "HTTP" }]),
      unsupported(`${P}.protocol`, "HTTP", '"SCTP", "TCP", "UDP"'),
    ],
    [
      "port name with upper case",
      (_d, _p, c) => (c.ports = [{ containerPort: 80, name: "Web" }]),
      inv(`${P}.name`, '"Web"', "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
    ],
    [
      "port name without a letter",
      (_d, _p, c) => (c.ports = [{ containerPort: 80, name: "8080" }]),
      inv(`${P}.name`, '"8080"', "must contain at least one letter (a-z)"),
    ],
    [
      "port name over 15 characters",
      (_d, _p, c) => (c.ports = [{ containerPort: 80, name: "metrics-endpoint" }]),
      inv(`${P}.name`, '"metrics-endpoint"', "must be no more than 15 characters"),
    ],
    [
      "duplicate port names",
      (_d, _p, c) =>
        (c.ports = [
          { containerPort: 80, name: "web" },
          { containerPort: 81, name: "web" },
        ]),
      { type: "FieldValueDuplicate", field: `${C}.ports[1].name`, message: 'Duplicate value: "web"' },
    ],
    [
      "hostNetwork with a different hostPort",
      (_d, pod, c) => {
        pod.hostNetwork = true;
        c.ports = [{ containerPort: 80, hostPort: 8080 }];
      },
      inv(`${P}.containerPort`, "80", "must match `hostPort` when `hostNetwork` is true"),
    ],
    [
      "two containers on one host port",
      (_d, pod) =>
        (pod.containers = [
          { name: "a", image: "nginx", ports: [{ containerPort: 80, hostPort: 8080 }] },
          { name: "b", image: "nginx", ports: [{ containerPort: 81, hostPort: 8080 }] },
        ]),
      {
        type: "FieldValueDuplicate",
        field: `${T}.containers[1].ports[0].hostPort`,
        message: 'Duplicate value: "TCP//8080"',
      },
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });

  it("hostNetwork without hostPort passes: hostPort defaults to containerPort", () => {
    expect(causes((_d, pod) => (pod.hostNetwork = true))).toEqual([]);
  });
});

describe("validateDaemonSet: volumes and mounts", () => {
  const V = `${T}.volumes`;
  const M = `${C}.volumeMounts`;
  const withVolumes =
    (volumes: unknown[], mounts: unknown[] = []): Mutation =>
    (_d, pod, c) => {
      pod.volumes = volumes;
      c.volumeMounts = mounts;
    };
  it.each<[string, Mutation, FieldError]>([
    [
      "volume name not a DNS label",
      withVolumes([{ name: "Data", emptyDir: {} }]),
      inv(`${V}[0].name`, '"Data"', LABEL_MSG),
    ],
    [
      "duplicate volume names",
      withVolumes([
        { name: "data", emptyDir: {} },
        { name: "data", hostPath: { path: "/d" } },
      ]),
      { type: "FieldValueDuplicate", field: `${V}[1].name`, message: 'Duplicate value: "data"' },
    ],
    ["hostPath without path", withVolumes([{ name: "h", hostPath: {} }]), req(`${V}[0].hostPath.path`)],
    [
      "unknown hostPath type",
      withVolumes([{ name: "h", hostPath: { path: "/x", type: "Dir" } }]),
      unsupported(
        `${V}[0].hostPath.type`,
        "Dir",
        '"", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
      ),
    ],
    [
      "hostPath with ..",
      withVolumes([{ name: "h", hostPath: { path: "/var/../etc" } }]),
      inv(`${V}[0].hostPath.path`, '"/var/../etc"', "must not contain '..'"),
    ],
    [
      "two sources in one volume",
      withVolumes([{ name: "h", hostPath: { path: "/x" }, emptyDir: {} }]),
      forbidden(`${V}[0].emptyDir`, "may not specify more than 1 volume type"),
    ],
    [
      "mount of a missing volume",
      withVolumes([], [{ name: "logs", mountPath: "/logs" }]),
      { type: "FieldValueNotFound", field: `${M}[0].name`, message: 'Not found: "logs"' },
    ],
    [
      "mount without mountPath",
      withVolumes([{ name: "d", emptyDir: {} }], [{ name: "d" }]),
      req(`${M}[0].mountPath`),
    ],
    [
      "two mounts on one path",
      withVolumes(
        [
          { name: "a", emptyDir: {} },
          { name: "b", emptyDir: {} },
        ],
        [
          { name: "a", mountPath: "/data" },
          { name: "b", mountPath: "/data" },
        ],
      ),
      inv(`${M}[1].mountPath`, '"/data"', "must be unique"),
    ],
    [
      "absolute subPath",
      withVolumes([{ name: "a", emptyDir: {} }], [{ name: "a", mountPath: "/d", subPath: "/x" }]),
      inv(`${M}[0].subPath`, '"/x"', "must be a relative path"),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });

  it("a volume with no source is an emptyDir and passes", () => {
    expect(causes(withVolumes([{ name: "scratch" }], [{ name: "scratch", mountPath: "/tmp" }]))).toEqual([]);
  });
});

describe("validateDaemonSet: resources", () => {
  const R = `${C}.resources`;
  const res =
    (resources: unknown): Mutation =>
    (_d, _p, c) =>
      (c.resources = resources);
  it.each<[string, Mutation, FieldError]>([
    ["bad cpu quantity", res({ limits: { cpu: "one" } }), inv(`${R}.limits[cpu]`, '"one"', QUANTITY_MSG)],
    [
      "bad memory quantity",
      res({ requests: { memory: "128MB" } }),
      inv(`${R}.requests[memory]`, '"128MB"', QUANTITY_MSG),
    ],
    [
      "negative memory",
      res({ limits: { memory: "-1Gi" } }),
      inv(`${R}.limits[memory]`, '"-1Gi"', "must be greater than or equal to 0"),
    ],
    [
      "request over limit",
      res({ limits: { cpu: "500m" }, requests: { cpu: "1" } }),
      inv(`${R}.requests[cpu]`, '"1"', "must be less than or equal to cpu limit of 500m"),
    ],
    [
      "memory request over limit",
      res({ limits: { memory: "128Mi" }, requests: { memory: "1Gi" } }),
      inv(`${R}.requests[memory]`, '"1Gi"', "must be less than or equal to memory limit of 128Mi"),
    ],
    [
      "unknown resource name",
      res({ limits: { gpu: "1" } }),
      inv(`${R}.limits[gpu]`, '"gpu"', "must be a standard resource for containers"),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });

  it.each([
    [{ limits: { cpu: 2, memory: "1Gi" }, requests: { cpu: "2000m", memory: "1024Mi" } }],
    [{ limits: { "nvidia.com/gpu": 1 } }],
    [{ requests: { cpu: "0.25", memory: "1e8" } }],
  ])("valid resources %j pass", (resources) => {
    expect(causes(res(resources))).toEqual([]);
  });
});

describe("validateDaemonSet: probes", () => {
  const L = `${C}.livenessProbe`;
  it.each<[string, Mutation, FieldError]>([
    [
      "probe without a handler",
      (_d, _p, c) => (c.livenessProbe = { periodSeconds: 5 }),
      req(L, "must specify a handler type"),
    ],
    [
      "probe with two handlers",
      (_d, _p, c) => (c.livenessProbe = { httpGet: { port: 80 }, tcpSocket: { port: 80 } }),
      forbidden(`${L}.tcpSocket`, "may not specify more than 1 handler type"),
    ],
    [
      "liveness successThreshold 2",
      (_d, _p, c) => (c.livenessProbe = { tcpSocket: { port: 80 }, successThreshold: 2 }),
      inv(`${L}.successThreshold`, "2", "must be 1"),
    ],
    [
      "httpGet port out of range",
      (_d, _p, c) => (c.livenessProbe = { httpGet: { port: 0 } }),
      inv(`${L}.httpGet.port`, "0", "must be between 1 and 65535, inclusive"),
    ],
    [
      "negative initialDelaySeconds",
      (_d, _p, c) => (c.livenessProbe = { exec: { command: ["true"] }, initialDelaySeconds: -5 }),
      inv(`${L}.initialDelaySeconds`, "-5", "must be greater than or equal to 0"),
    ],
  ])("%s", (_name, mutate, expected) => {
    expect(causes(mutate)).toEqual([expected]);
  });
});
