import { describe, expect, it } from "vitest";
import { KUBELET_VERSION } from "../shared/version.js";
import { collectNodeReport, kubeArch, prettyName, wellKnownLabels } from "./node-info.js";

describe("node-info", () => {
  it.each([
    ["x64", "amd64"],
    ["arm64", "arm64"],
    ["riscv64", "riscv64"],
  ])("arch %s → %s", (arch, want) => {
    expect(kubeArch(arch)).toBe(want);
  });

  it("reads PRETTY_NAME", () => {
    expect(prettyName('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe(
      "Debian GNU/Linux 12 (bookworm)",
    );
  });

  it("reports addresses, capacity and system facts", () => {
    const r = collectNodeReport({ nodeIP: "10.1.2.3", engineVersion: "20.10.24" });
    expect(r.addresses[0]).toEqual({ type: "InternalIP", address: "10.1.2.3" });
    expect(r.addresses[1]?.type).toBe("Hostname");
    expect(r.capacity.cpu).toMatch(/^\d+$/);
    expect(r.capacity.memory).toMatch(/^\d+Ki$/);
    expect(r.capacity.pods).toBe("110");
    expect(r.nodeInfo).toMatchObject({
      containerRuntimeVersion: "docker://20.10.24",
      kubeletVersion: KUBELET_VERSION,
      operatingSystem: "linux",
      architecture: kubeArch(),
    });
  });

  it("gives the well-known labels", () => {
    expect(wellKnownLabels("n1")).toMatchObject({
      "kubernetes.io/hostname": "n1",
      "kubernetes.io/os": "linux",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": kubeArch(),
    });
  });
});
