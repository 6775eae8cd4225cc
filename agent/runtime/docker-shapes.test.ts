import { describe, expect, it } from "vitest";
import type { ContainerCreateSpec } from "./container-runtime.js";
import { classify, createBody, observedOf, type InspectedContainer } from "./docker-shapes.js";

const minimal: ContainerCreateSpec = {
  name: "p_web_1",
  image: "web:1",
  labels: { a: "b" },
  env: ["X=1"],
  ports: [],
  hostNetwork: false,
  binds: [],
  privileged: false,
  init: true,
};

describe("createBody: a container spec as the engine's create body", () => {
  it("applies every field that is set, where the engine reads it", () => {
    const body = createBody({
      ...minimal,
      entrypoint: ["/bin/sh"],
      cmd: ["-c", "run"],
      workingDir: "/w",
      ports: [
        { containerPort: 80, hostPort: 8080, protocol: "tcp", hostIP: "" },
        { containerPort: 80, hostPort: 8081, protocol: "tcp", hostIP: "127.0.0.1" },
      ],
      networkMode: "container:abc",
      ipcMode: "container:abc",
      pidMode: "host",
      hostname: "web-0",
      binds: [
        {
          hostPath: "/var/log",
          containerPath: "/logs",
          readOnly: true,
          hostPathType: "",
          propagation: "rslave",
        },
        { hostPath: "/data", containerPath: "/data", readOnly: false, hostPathType: "" },
      ],
      tmpfsVolumes: [
        {
          volume: "v1",
          containerPath: "/cache",
          readOnly: false,
          sizeBytes: 1024,
          labels: { l: "1" },
          ownership: { gid: 2000, mode: 0o3777 },
        },
      ],
      nanoCpus: 500_000_000,
      cpuShares: 512,
      memoryBytes: 64 * 1024 * 1024,
      privileged: true,
      user: "1000:1000",
      groupAdd: ["2000"],
      capAdd: ["NET_ADMIN"],
      capDrop: ["ALL"],
      readOnlyRootfs: true,
      securityOpt: ["no-new-privileges"],
      dns: { servers: ["10.0.0.10"], search: ["svc.local"], options: ["ndots:5"] },
      extraHosts: ["db:10.0.0.5"],
    });
    expect(body).toMatchObject({
      name: "p_web_1",
      Image: "web:1",
      Labels: { a: "b" },
      Env: ["X=1"],
      Entrypoint: ["/bin/sh"],
      Cmd: ["-c", "run"],
      WorkingDir: "/w",
      Hostname: "web-0",
      User: "1000:1000",
      ExposedPorts: { "80/tcp": {} },
    });
    expect(body.HostConfig).toEqual({
      Init: true,
      RestartPolicy: { Name: "no" },
      PortBindings: {
        "80/tcp": [
          { HostIp: "", HostPort: "8080" },
          { HostIp: "127.0.0.1", HostPort: "8081" },
        ],
      },
      NetworkMode: "container:abc",
      IpcMode: "container:abc",
      PidMode: "host",
      Binds: ["/var/log:/logs:ro,rslave", "/data:/data"],
      Mounts: [
        {
          Type: "volume",
          Source: "v1",
          Target: "/cache",
          ReadOnly: false,
          VolumeOptions: {
            NoCopy: true,
            Labels: { l: "1" },
            DriverConfig: {
              Name: "local",
              Options: { type: "tmpfs", device: "tmpfs", o: "size=1024,mode=3777,gid=2000" },
            },
          },
        },
      ],
      NanoCpus: 500_000_000,
      CpuShares: 512,
      Memory: 64 * 1024 * 1024,
      Privileged: true,
      GroupAdd: ["2000"],
      CapAdd: ["NET_ADMIN"],
      CapDrop: ["ALL"],
      ReadonlyRootfs: true,
      SecurityOpt: ["no-new-privileges"],
      Dns: ["10.0.0.10"],
      DnsSearch: ["svc.local"],
      DnsOptions: ["ndots:5"],
      ExtraHosts: ["db:10.0.0.5"],
    });
  });

  it("leaves out what is not set, and picks the network from hostNetwork", () => {
    const body = createBody(minimal);
    expect(Object.keys(body).sort()).toEqual([
      "Env",
      "ExposedPorts",
      "HostConfig",
      "Image",
      "Labels",
      "name",
    ]);
    expect(Object.keys(body.HostConfig).sort()).toEqual([
      "Binds",
      "Init",
      "NetworkMode",
      "PortBindings",
      "Privileged",
      "RestartPolicy",
    ]);
    expect(body.HostConfig.NetworkMode).toBe("bridge");
    expect(createBody({ ...minimal, hostNetwork: true }).HostConfig.NetworkMode).toBe("host");
  });
});

describe("observedOf: an inspected container as the agent sees it", () => {
  const inspected = (state: Partial<InspectedContainer["State"]>): InspectedContainer => ({
    Id: "c1",
    Name: "/p_web_1",
    Image: "sha256:abc",
    Created: "2026-12-01T10:00:00Z",
    Config: { Labels: null, Image: "web:1" },
    State: {
      Status: "running",
      ExitCode: 0,
      OOMKilled: false,
      StartedAt: "2026-12-01T10:00:01Z",
      FinishedAt: "0001-01-01T00:00:00Z",
      ...state,
    },
    NetworkSettings: { Networks: { bridge: { IPAddress: "" }, other: { IPAddress: "172.17.0.2" } } },
  });

  it.each([
    ["created", "created"],
    ["running", "running"],
    ["paused", "running"],
    ["restarting", "running"],
    ["exited", "exited"],
    ["dead", "exited"],
  ])("engine state %s reads as %s", (status, state) => {
    expect(observedOf(inspected({ Status: status })).state).toBe(state);
  });

  it("reads names, times, the address and the exit, leaving out the engine's zero times", () => {
    expect(observedOf(inspected({}))).toEqual({
      id: "c1",
      name: "p_web_1",
      labels: {},
      image: "web:1",
      imageId: "sha256:abc",
      state: "running",
      exitCode: 0,
      createdAt: Date.parse("2026-12-01T10:00:00Z"),
      startedAt: Date.parse("2026-12-01T10:00:01Z"),
      oomKilled: false,
      ipAddress: "172.17.0.2",
    });
    const ended = observedOf(
      inspected({
        Status: "exited",
        ExitCode: 137,
        OOMKilled: true,
        FinishedAt: "2026-12-01T10:05:00Z",
        Error: "oom",
      }),
    );
    expect(ended).toMatchObject({
      exitCode: 137,
      oomKilled: true,
      error: "oom",
      finishedAt: Date.parse("2026-12-01T10:05:00Z"),
    });
  });
});

describe("classify: engine errors as temporary or permanent", () => {
  it("an unreachable engine and a 5xx are temporary; a 4xx is not", () => {
    expect(classify("start", Object.assign(new Error("connect ENOENT"), { code: "ENOENT" }))).toMatchObject({
      temporary: true,
      message: "start: the Docker engine is unreachable (connect ENOENT)",
    });
    expect(classify("create", { statusCode: 500, json: { message: "boom" } })).toMatchObject({
      temporary: true,
      message: "create: boom",
    });
    expect(classify("create", { statusCode: 409, json: { message: "name in use" } })).toMatchObject({
      temporary: false,
      message: "create: name in use",
    });
  });
});
