import { describe, expect, it } from "vitest";
import type { Pod, Volume } from "../../shared/api-types.js";
import { ownedMode, volumeOwnership, writerOwnership } from "./fs-group.js";

const pod = (securityContext: Record<string, unknown> = {}): Pod => ({
  metadata: { name: "p", namespace: "ns", uid: "u1" },
  spec: { containers: [{ name: "c", image: "i" }], securityContext },
});
const withGroup = pod({ fsGroup: 2000 });

describe("fsGroup on volumes", () => {
  it.each<[string, Pod, Volume, object | undefined]>([
    ["no fsGroup", pod(), { name: "v", secret: { secretName: "s" } }, undefined],
    ["runAsGroup alone", pod({ runAsGroup: 5 }), { name: "v", emptyDir: {} }, undefined],
    ["a secret", withGroup, { name: "v", secret: { secretName: "s" } }, { gid: 2000, readOnly: true }],
    ["a configMap", withGroup, { name: "v", configMap: { name: "c" } }, { gid: 2000, readOnly: true }],
    ["a downwardAPI", withGroup, { name: "v", downwardAPI: { items: [] } }, { gid: 2000, readOnly: true }],
    ["a projected", withGroup, { name: "v", projected: { sources: [] } }, { gid: 2000, readOnly: true }],
    ["a disk emptyDir", withGroup, { name: "v", emptyDir: {} }, { gid: 2000, readOnly: false }],
    [
      "a memory emptyDir",
      withGroup,
      { name: "v", emptyDir: { medium: "Memory" } },
      { gid: 2000, readOnly: false },
    ],
    ["a volume with no source (an emptyDir)", withGroup, { name: "v" }, { gid: 2000, readOnly: false }],
    ["a hostPath is never changed", withGroup, { name: "v", hostPath: { path: "/srv" } }, undefined],
    [
      "fsGroup 0 is a group too",
      pod({ fsGroup: 0 }),
      { name: "v", emptyDir: {} },
      { gid: 0, readOnly: false },
    ],
  ])("%s", (_name, p, volume, expected) => {
    expect(volumeOwnership(p, volume)).toEqual(expected);
  });

  it.each<[string, number, boolean, boolean, number]>([
    ["secret file with defaultMode 0400", 0o400, false, true, 0o440],
    ["configMap file 0644", 0o644, false, true, 0o644],
    ["token file 0600", 0o600, false, true, 0o640],
    ["read-only volume dir", 0o755, true, true, 0o2755],
    ["emptyDir folder 0755", 0o755, true, false, 0o2775],
    ["tmpfs root 1777", 0o1777, true, false, 0o3777],
    ["file in a writable volume", 0o600, false, false, 0o660],
    ["the file type bits are dropped", 0o100400, false, true, 0o440],
  ])("%s", (_name, mode, isDir, readOnly, expected) => {
    expect(ownedMode(mode, isDir, { gid: 1, readOnly }).toString(8)).toBe(expected.toString(8));
  });

  it("gives the writer the group and the mode rule", () => {
    const own = writerOwnership(withGroup, { name: "v", secret: { secretName: "s" } });
    expect(own?.gid).toBe(2000);
    expect(own?.modeOf(0o400, false)).toBe(0o440);
    expect(writerOwnership(pod(), { name: "v", secret: { secretName: "s" } })).toBeUndefined();
  });
});
