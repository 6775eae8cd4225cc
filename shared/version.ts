// everynode's own version, and the Kubernetes version it reports on /version: kubectl's
// dispatcher picks its client by that number, and v1.32 makes it use its built-in client.

export const EVERYNODE_VERSION = "0.1.0";

export const KUBERNETES_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0-everynode.0.1.0",
  gitCommit: "everynode",
  gitTreeState: "clean",
  buildDate: "2026-12-01T00:00:00Z",
  goVersion: "go1.23.4",
  compiler: "gc",
  platform: "linux/amd64",
};

/** What nodes report as `kubeletVersion`. */
export const KUBELET_VERSION = `v1.32.0-everynode.${EVERYNODE_VERSION}`;
