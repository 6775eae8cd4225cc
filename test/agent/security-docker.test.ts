// Security contexts, resources and name resolution on the real Docker engine: each field
// checked with `docker inspect` and, where the container runs, from inside it. Docker on this
// machine refuses to run privileged containers ("unable to apply caps"), so privileged is
// checked on the created container's config only.

import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObservedContainer } from "../../agent/runtime/container-runtime.js";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter, SANDBOX } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { ContainerStatus, Pod } from "../../shared/api-types.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import { startWorker, stopWorker, testPod } from "./helpers/test-pods.js";
import { eventually, inspectRaw } from "./helpers/docker-cleanup.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `sec-${RUN}`;
const runtime = new DockerRuntime();
let dataDir: string;
let worker: Worker;
const statuses: PodStatusReport[] = [];

function pod(
  uid: string,
  spec: Partial<Pod["spec"]>,
  container: Partial<Pod["spec"]["containers"][number]> = {},
): Pod {
  return testPod(RUN, uid, spec, { command: ["sleep", "3600"], ...container });
}

async function containersOf(uid: string): Promise<{ sandbox?: ObservedContainer; c?: ObservedContainer }> {
  const list = (await runtime.list(nodeFilter(NODE))).filter(
    (c) => c.labels[LABELS.podUid] === `${RUN}-${uid}`,
  );
  return {
    sandbox: list.find((c) => c.labels[LABELS.container] === SANDBOX && c.state === "running"),
    c: list.find((c) => c.labels[LABELS.container] === "c"),
  };
}

function statusOf(uid: string): ContainerStatus | undefined {
  return [...statuses].reverse().find((s) => s.uid === `${RUN}-${uid}`)?.status.containerStatuses?.[0];
}

async function inside(id: string, script: string): Promise<string> {
  const r = await runtime.exec(id, ["sh", "-c", script], AbortSignal.timeout(10_000));
  return r.output.trim();
}

async function apply(...pods: Pod[]): Promise<void> {
  worker.setDesired(Date.now(), pods);
  await worker.settle();
}

beforeAll(async () => {
  ({ worker, dataDir } = await startWorker(
    "everynode-security-",
    { nodeName: NODE, runtime, statuses },
    async (dir) => {
      await fs.mkdir(path.join(dir, "seccomp", "profiles"), { recursive: true });
      await fs.writeFile(
        path.join(dir, "seccomp", "profiles", "allow.json"),
        JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW" }),
      );
      return { seccompRoot: path.join(dir, "seccomp") };
    },
  ));
});

afterAll(async () => {
  await stopWorker(worker, NODE, dataDir);
});

describe("security contexts, resources, name resolution and mounts on Docker", () => {
  it("applies user, groups, capabilities, read-only root, no-new-privileges, seccomp, cpu shares and resourceFieldRef", async () => {
    await apply(
      pod(
        "sec",
        { securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] } },
        {
          securityContext: {
            capabilities: { add: ["NET_ADMIN"], drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            seccompProfile: { type: "Unconfined" },
          },
          resources: { requests: { cpu: "250m" }, limits: { memory: "64Mi" } },
          env: [
            {
              name: "MEM_MI",
              valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } as never,
            },
            {
              name: "CPU_M",
              valueFrom: { resourceFieldRef: { resource: "requests.cpu", divisor: "1m" } } as never,
            },
            { name: "CPU_LIMIT", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } as never },
          ],
        },
      ),
    );
    const { c } = await containersOf("sec");
    expect(c?.state).toBe("running");
    const raw = await inspectRaw(c!.id);
    expect(raw.Config.User).toBe("1000:3000");
    expect(raw.HostConfig.GroupAdd).toEqual(["2000", "4000"]);
    expect(raw.HostConfig.CapAdd).toEqual(["NET_ADMIN"]);
    expect(raw.HostConfig.CapDrop).toEqual(["ALL"]);
    expect(raw.HostConfig.ReadonlyRootfs).toBe(true);
    expect(raw.HostConfig.SecurityOpt).toEqual(["no-new-privileges", "seccomp=unconfined"]);
    expect(raw.HostConfig.CpuShares).toBe(256);
    expect(raw.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(raw.Config.Env).toEqual(
      expect.arrayContaining(["MEM_MI=64", "CPU_M=250", `CPU_LIMIT=${os.cpus().length}`]),
    );
    expect(await inside(c!.id, "id")).toBe("uid=1000 gid=3000 groups=2000,3000,4000");
    expect(await inside(c!.id, "touch /x 2>&1; grep NoNewPrivs /proc/self/status")).toMatch(
      /Read-only file system[\s\S]*NoNewPrivs:\s+1/,
    );
  });

  it("a Localhost seccomp profile is read from the agent's profile directory", async () => {
    await apply(
      pod(
        "seccomp",
        {},
        {
          securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "profiles/allow.json" } },
        },
      ),
    );
    const { c } = await containersOf("seccomp");
    expect(c?.state).toBe("running");
    expect((await inspectRaw(c!.id)).HostConfig.SecurityOpt).toEqual([
      `seccomp=${JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW" })}`,
    ]);
  });

  it("runAsNonRoot with an image that runs as root: CreateContainerConfigError, nothing created", async () => {
    await apply(pod("nonroot", { securityContext: { runAsNonRoot: true } }));
    expect(statusOf("nonroot")?.state.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: expect.stringContaining("container has runAsNonRoot and image will run as root"),
    });
    expect((await containersOf("nonroot")).c).toBeUndefined();
    // A runAsUser that is not root satisfies it.
    await apply(pod("nonroot2", { securityContext: { runAsNonRoot: true, runAsUser: 65534 } }));
    expect((await containersOf("nonroot2")).c?.state).toBe("running");
  });

  it("privileged is set on the created container (Docker here refuses to run it)", async () => {
    await apply(pod("priv", {}, { securityContext: { privileged: true } }));
    await eventually(async () => (await containersOf("priv")).c !== undefined);
    expect((await inspectRaw((await containersOf("priv")).c!.id)).HostConfig.Privileged).toBe(true);
  });

  it("dnsPolicy None with dnsConfig and hostAliases go on the sandbox, and the container sees them", async () => {
    await apply(
      pod("dns", {
        dnsPolicy: "None",
        dnsConfig: {
          nameservers: ["192.0.2.53"],
          searches: ["example.test"],
          options: [{ name: "ndots", value: "2" }],
        },
        hostAliases: [{ ip: "192.0.2.10", hostnames: ["alias.test", "other.test"] }],
      }),
    );
    const { sandbox, c } = await containersOf("dns");
    const sb = await inspectRaw(sandbox!.id);
    expect(sb.HostConfig.Dns).toEqual(["192.0.2.53"]);
    expect(sb.HostConfig.DnsSearch).toEqual(["example.test"]);
    expect(sb.HostConfig.DnsOptions).toEqual(["ndots:2"]);
    expect(sb.HostConfig.ExtraHosts).toEqual(["alias.test:192.0.2.10", "other.test:192.0.2.10"]);
    const resolv = await inside(c!.id, "cat /etc/resolv.conf");
    expect(resolv).toContain("nameserver 192.0.2.53");
    expect(resolv).toContain("search example.test");
    expect(resolv).toContain("options ndots:2");
    expect(await inside(c!.id, "grep alias.test /etc/hosts")).toMatch(/192\.0\.2\.10\s+alias\.test/);
  });

  it("mounts a hostPath's file by subPath (not made a directory), read-only", async () => {
    const dir = path.join(dataDir, "hostdir");
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, "app.conf"), "key=value\n");
    await apply(
      pod(
        "vol",
        { volumes: [{ name: "d", hostPath: { path: dir, type: "Directory" } }] },
        {
          volumeMounts: [
            { name: "d", mountPath: "/etc/app.conf", subPath: "app.conf", readOnly: true },
            { name: "d", mountPath: "/host/d", mountPropagation: "None" },
            { name: "d", mountPath: "/new", subPath: "made/here" },
          ],
        },
      ),
    );
    const { c } = await containersOf("vol");
    expect(c?.state).toBe("running");
    const mounts = (await inspectRaw(c!.id)).Mounts.map((m) => [
      m.Source,
      m.Destination,
      m.RW,
      m.Propagation,
    ]);
    expect(mounts).toEqual(
      expect.arrayContaining([
        [path.join(dir, "app.conf"), "/etc/app.conf", false, "rprivate"],
        [dir, "/host/d", true, "rprivate"],
        [path.join(dir, "made/here"), "/new", true, "rprivate"],
      ]),
    );
    expect(await inside(c!.id, "cat /etc/app.conf")).toBe("key=value");
    expect((await fs.stat(path.join(dir, "app.conf"))).isFile()).toBe(true);
    expect((await fs.stat(path.join(dir, "made/here"))).isDirectory()).toBe(true);
  });

  it("mountPropagation is set on the bind (this machine's root mount is private: Docker refuses to run it)", async () => {
    const dir = path.join(dataDir, "hostdir");
    await apply(
      pod(
        "prop",
        { volumes: [{ name: "d", hostPath: { path: dir } }] },
        {
          volumeMounts: [
            { name: "d", mountPath: "/slave", mountPropagation: "HostToContainer" },
            { name: "d", mountPath: "/shared", mountPropagation: "Bidirectional" },
          ],
        },
      ),
    );
    await eventually(async () => (await containersOf("prop")).c !== undefined);
    expect((await inspectRaw((await containersOf("prop")).c!.id)).HostConfig.Binds).toEqual([
      `${dir}:/slave:rslave`,
      `${dir}:/shared:rshared`,
    ]);
  });

  it("with hostNetwork, hostAliases go on each container", async () => {
    await apply(
      pod("hostdns", { hostNetwork: true, hostAliases: [{ ip: "192.0.2.11", hostnames: ["h.test"] }] }),
    );
    const { c } = await containersOf("hostdns");
    expect((await inspectRaw(c!.id)).HostConfig.ExtraHosts).toEqual(["h.test:192.0.2.11"]);
    expect(await inside(c!.id, "grep h.test /etc/hosts")).toMatch(/192\.0\.2\.11\s+h\.test/);
    await apply();
  });
});
