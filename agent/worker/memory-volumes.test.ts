import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { containerTmpfsMounts, memoryVolumeName, sandboxTmpfsMounts, tmpfsBytes } from "./memory-volumes.js";

const Mi = 1024 * 1024;
const pod = (limits: (string | undefined)[], sizeLimit?: string): Pod => ({
  metadata: { name: "p", namespace: "ns", uid: "u1" },
  spec: {
    volumes: [
      { name: "ram", emptyDir: { medium: "Memory", ...(sizeLimit ? { sizeLimit } : {}) } },
      { name: "disk", emptyDir: {} },
    ],
    containers: limits.map((l, i) => ({
      name: `c${i}`,
      image: "i",
      volumeMounts: [
        { name: "ram", mountPath: "/ram" },
        { name: "disk", mountPath: "/disk" },
      ],
      ...(l ? { resources: { limits: { memory: l } } } : {}),
    })),
  },
});

describe("memory emptyDir", () => {
  it.each([
    ["the sizeLimit", ["1Gi"], "8Mi", 8 * Mi],
    ["the pod's memory limit when smaller", ["2Mi", "3Mi"], "8Mi", 5 * Mi],
    ["the pod's memory limit without a sizeLimit", ["64Mi"], undefined, 64 * Mi],
    ["the node's memory when a container has no limit", ["64Mi", undefined], undefined, 1000 * Mi],
    ["the sizeLimit, below the node's memory", [undefined], "8Mi", 8 * Mi],
  ])("is sized by %s", (_what, limits, sizeLimit, want) => {
    const p = pod(limits, sizeLimit);
    expect(tmpfsBytes(p, p.spec.volumes![0]!, 1000 * Mi)).toBe(want);
  });

  it("mounts only the memory volume as a tmpfs, in the containers and in the sandbox", () => {
    const p = pod(["8Mi"]);
    const mounts = containerTmpfsMounts(p, p.spec.containers[0]!, "n1", 1000 * Mi);
    expect(mounts).toEqual([
      {
        volume: memoryVolumeName("u1", "ram"),
        containerPath: "/ram",
        readOnly: false,
        sizeBytes: 8 * Mi,
        labels: expect.objectContaining({ "io.everynode.node": "n1", "io.everynode.pod.uid": "u1" }),
      },
    ]);
    expect(sandboxTmpfsMounts(p, "n1", 1000 * Mi).map((m) => [m.volume, m.containerPath])).toEqual([
      ["everynode-u1-ram", "/.everynode/volumes/ram"],
    ]);
  });

  it("under an fsGroup, the tmpfs root is the group's, setgid and group-writable (a disk emptyDir has none)", () => {
    const p = pod(["8Mi"]);
    p.spec.securityContext = { fsGroup: 2000 };
    expect(containerTmpfsMounts(p, p.spec.containers[0]!, "n1", 1000 * Mi)[0]?.ownership).toEqual({
      gid: 2000,
      mode: 0o3777,
    });
    expect(sandboxTmpfsMounts(p, "n1", 1000 * Mi)[0]?.ownership).toEqual({ gid: 2000, mode: 0o3777 });
    expect(containerTmpfsMounts(pod(["8Mi"]), p.spec.containers[0]!, "n1")[0]?.ownership).toBeUndefined();
  });

  it("refuses a subPath into it, saying so", () => {
    const p = pod(["8Mi"]);
    p.spec.containers[0]!.volumeMounts = [{ name: "ram", mountPath: "/x", subPath: "a" }];
    expect(() => containerTmpfsMounts(p, p.spec.containers[0]!, "n1")).toThrow(/subPath is not supported/);
  });
});
