import { describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { resourceFieldValue } from "./env.js";
import { nameResolution } from "./name-resolution.js";
import { securitySpec } from "./security-spec.js";

function pod(spec: Partial<Pod["spec"]>, container: Partial<Pod["spec"]["containers"][number]> = {}): Pod {
  return {
    metadata: { name: "p", namespace: "ns", uid: "u1" },
    spec: { containers: [{ name: "c", image: "i", ...container }], ...spec },
  };
}
const sec = (p: Pod, imageUser = "") => securitySpec(p, p.spec.containers[0]!, imageUser, "/seccomp");

describe("securitySpec", () => {
  it.each<[string, Pod, string, object]>([
    ["nothing set", pod({}), "", { privileged: false }],
    ["pod user and group", pod({ securityContext: { runAsUser: 5, runAsGroup: 6 } }), "", { user: "5:6" }],
    [
      "container wins",
      pod({ securityContext: { runAsUser: 5 } }, { securityContext: { runAsUser: 7 } }),
      "",
      { user: "7" },
    ],
    [
      "group alone keeps the image's user",
      pod({ securityContext: { runAsGroup: 6 } }),
      "nobody",
      { user: "nobody:6" },
    ],
    [
      "groups",
      pod({ securityContext: { fsGroup: 2, supplementalGroups: [3, 2] } }),
      "",
      { groupAdd: ["2", "3"] },
    ],
    [
      "caps",
      pod({}, { securityContext: { capabilities: { add: ["SYS_TIME"], drop: ["ALL"] } } }),
      "",
      { capAdd: ["SYS_TIME"], capDrop: ["ALL"] },
    ],
    [
      "no escalation",
      pod({}, { securityContext: { allowPrivilegeEscalation: false } }),
      "",
      { securityOpt: ["no-new-privileges"] },
    ],
    [
      "localhost seccomp",
      pod({ securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "a/b.json" } } }),
      "",
      { seccompFile: "/seccomp/a/b.json" },
    ],
    [
      "RuntimeDefault is Docker's default",
      pod({ securityContext: { seccompProfile: { type: "RuntimeDefault" } } }),
      "",
      { privileged: false },
    ],
    ["non-root image", pod({ securityContext: { runAsNonRoot: true } }), "1000", { privileged: false }],
  ])("%s", (_what, p, imageUser, want) => {
    expect(sec(p, imageUser)).toEqual({ privileged: false, ...want });
  });

  it.each<[string, Pod, string, RegExp]>([
    ["root image", pod({ securityContext: { runAsNonRoot: true } }), "", /image will run as root/],
    ["named user", pod({ securityContext: { runAsNonRoot: true } }), "nobody", /non-numeric user \(nobody\)/],
    [
      "runAsUser 0",
      pod({ securityContext: { runAsNonRoot: true, runAsUser: 0 } }),
      "1000",
      /runAsUser breaks non-root policy/,
    ],
    [
      "profile outside the directory",
      pod({ securityContext: { seccompProfile: { type: "Localhost", localhostProfile: "../x" } } }),
      "",
      /seccomp profile/,
    ],
  ])("refuses %s", (_what, p, imageUser, message) => {
    expect(() => sec(p, imageUser)).toThrow(message);
  });
});

describe("nameResolution", () => {
  it("gives dnsConfig only with dnsPolicy None, and hostAliases always", () => {
    const dnsConfig = {
      nameservers: ["1.1.1.1"],
      searches: ["s"],
      options: [{ name: "ndots", value: "1" }, { name: "edns0" }],
    };
    expect(nameResolution(pod({ dnsPolicy: "None", dnsConfig }))).toEqual({
      dns: { servers: ["1.1.1.1"], search: ["s"], options: ["ndots:1", "edns0"] },
    });
    expect(nameResolution(pod({ dnsPolicy: "ClusterFirstWithHostNet" }))).toEqual({});
    expect(nameResolution(pod({ hostAliases: [{ ip: "1.2.3.4", hostnames: ["a", "b"] }] }))).toEqual({
      extraHosts: ["a:1.2.3.4", "b:1.2.3.4"],
    });
  });
});

describe("resourceFieldValue", () => {
  const facts = { nodeName: "n", hostIP: "h", podIP: "p", allocatable: { cpu: 4, memory: 8 * 2 ** 30 } };
  const p = pod({}, { resources: { limits: { cpu: "1500m", memory: "128Mi" }, requests: { cpu: "250m" } } });
  it.each<[string, string | undefined, string]>([
    ["limits.cpu", undefined, "2"],
    ["limits.cpu", "1m", "1500"],
    ["requests.cpu", "1m", "250"],
    ["limits.memory", "1Mi", "128"],
    ["requests.memory", "1Mi", "128"],
  ])("%s / %s = %s", (resource, divisor, want) => {
    const ref = divisor ? { resource, divisor } : { resource };
    expect(resourceFieldValue(p, p.spec.containers[0]!, ref, facts)).toBe(want);
  });

  it("reads the node's capacity for an unset limit", () => {
    const bare = pod({});
    expect(resourceFieldValue(bare, bare.spec.containers[0]!, { resource: "limits.cpu" }, facts)).toBe("4");
    expect(resourceFieldValue(bare, bare.spec.containers[0]!, { resource: "requests.cpu" }, facts)).toBe("0");
  });
});
