import type { NetworkInterfaceInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { cliCommand, joinHost, nextSteps } from "./next-steps.js";

const iface = (address: string, internal: boolean, family: "IPv4" | "IPv6" = "IPv4") =>
  ({ address, internal, family }) as NetworkInterfaceInfo;
const interfaces = {
  lo: [iface("127.0.0.1", true)],
  eth0: [iface("fe80::1", false, "IPv6"), iface("10.0.0.5", false)],
};

describe("joinHost", () => {
  it.each([
    ["0.0.0.0", "10.0.0.5"],
    ["::", "10.0.0.5"],
    ["192.168.1.9", "192.168.1.9"],
    ["cp.example.internal", "cp.example.internal"],
    ["127.0.0.1", undefined],
    ["localhost", undefined],
  ])("listening on %j, other machines use %j", (listen, want) => {
    expect(joinHost(listen, interfaces)).toBe(want);
  });

  it("has none on a host with loopback only", () => {
    expect(joinHost("0.0.0.0", { lo: [iface("127.0.0.1", true)] })).toBeUndefined();
  });
});

describe("cliCommand", () => {
  const real: Record<string, string> = {
    "/repo/bin/everynode": "/repo/bin/everynode",
    "/usr/bin/everynode": "/usr/lib/node_modules/everynode/bin/everynode",
    "/usr/lib/node_modules/everynode/bin/everynode": "/usr/lib/node_modules/everynode/bin/everynode",
  };
  const realpath = (p: string): string | undefined => real[p];

  it("says everynode when the PATH's everynode is the one running", () => {
    const scriptPath = "/usr/lib/node_modules/everynode/bin/everynode";
    expect(cliCommand({ scriptPath, cwd: "/home/me", pathDirs: ["/usr/bin"], realpath })).toBe("everynode");
  });

  it("says ./bin/everynode in a checkout, and the whole path elsewhere", () => {
    const scriptPath = "/repo/bin/everynode";
    expect(cliCommand({ scriptPath, cwd: "/repo", pathDirs: ["/usr/bin"], realpath })).toBe(
      "./bin/everynode",
    );
    expect(cliCommand({ scriptPath, cwd: "/tmp", pathDirs: ["/usr/bin"], realpath })).toBe(scriptPath);
  });
});

describe("nextSteps", () => {
  const base = {
    kubeconfigPath: "/var/lib/everynode/server/kubeconfig.yaml",
    joinTokenPath: "/var/lib/everynode/server/join-token",
    adminTokenPath: "/var/lib/everynode/server/admin-token",
    port: 6443,
    cli: "everynode",
  };

  it("prints the kubeconfig export, get nodes and the join command for another machine", () => {
    expect(nextSteps({ ...base, host: "10.0.0.5" })).toBe(
      [
        "",
        "To use the cluster:",
        "  export KUBECONFIG=/var/lib/everynode/server/kubeconfig.yaml",
        "  kubectl get nodes        # or: everynode get nodes",
        "The dashboard: https://10.0.0.5:6443/ui/ (log in with the admin token: /var/lib/everynode/server/admin-token)",
        "To join another machine, copy /var/lib/everynode/server/join-token to it and run there:",
        "  everynode agent --server https://10.0.0.5:6443 --token-file join-token",
        "",
        "",
      ].join("\n"),
    );
  });

  it("brackets an IPv6 address", () => {
    expect(nextSteps({ ...base, host: "fd00::5" })).toContain("--server https://[fd00::5]:6443 ");
  });

  it("on loopback, shows an agent on this machine with the token file's whole path", () => {
    const text = nextSteps({ ...base, host: undefined, port: 6444, cli: "./bin/everynode" });
    expect(text).toContain("  kubectl get nodes        # or: ./bin/everynode get nodes\n");
    expect(text).toContain(
      "  ./bin/everynode agent --server https://127.0.0.1:6444 --token-file /var/lib/everynode/server/join-token --name NAME --data-dir DIR\n",
    );
    expect(text).toContain("listens on loopback only");
  });
});
