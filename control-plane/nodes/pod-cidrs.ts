// Pod address ranges for nodes, as Kubernetes' node IPAM controller gives them with
// `--allocate-node-cidrs --cluster-cidr ... --node-cidr-mask-size ...`: each node gets the first
// block of the cluster's range that no other node holds, in spec.podCIDR and spec.podCIDRs.
// Network plugins such as flannel (`--kube-subnet-mgr`) take their node's subnet from it. IPv4
// only. Pure.

import { EverynodeError } from "../../shared/errors.js";

export interface ClusterCidr {
  /** The range's first address, as a 32-bit number. */
  base: number;
  /** The range's prefix length (16 in 10.244.0.0/16). */
  prefix: number;
  /** Each node's block's prefix length (24: a /24 a node). */
  nodeMask: number;
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const formatIPv4 = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

/** `--cluster-cidr` and `--node-cidr-mask-size` checked: a Usage error naming the flag when wrong. */
export function parseClusterCidr(cidr: string, nodeMask: number): ClusterCidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  const address = m ? parseIPv4(m[1] ?? "") : undefined;
  const prefix = Number(m?.[2]);
  if (address === undefined || !(prefix >= 1 && prefix <= 30))
    throw new EverynodeError(
      "Usage",
      `--cluster-cidr must be an IPv4 range such as 10.244.0.0/16, not "${cidr}"`,
    );
  if (address % 2 ** (32 - prefix) !== 0)
    throw new EverynodeError("Usage", `--cluster-cidr ${cidr} has host bits set: the range starts elsewhere`);
  if (!Number.isInteger(nodeMask) || nodeMask < prefix || nodeMask > 30)
    throw new EverynodeError(
      "Usage",
      `--node-cidr-mask-size must be a whole number from ${prefix} (the cluster range's) to 30, not ${nodeMask}`,
    );
  return { base: address, prefix, nodeMask };
}

/** The first block of `cluster` that is not in `taken` (other nodes' podCIDRs); undefined when all are. */
export function nextPodCidr(cluster: ClusterCidr, taken: Iterable<string>): string | undefined {
  const used = new Set(taken);
  const size = 2 ** (32 - cluster.nodeMask);
  const blocks = 2 ** (cluster.nodeMask - cluster.prefix);
  for (let i = 0; i < blocks; i++) {
    const cidr = `${formatIPv4(cluster.base + i * size)}/${cluster.nodeMask}`;
    if (!used.has(cidr)) return cidr;
  }
  return undefined;
}
