// The Docker bridge's gateway (an address of this host that bridged containers reach), from
// the bridge network's IPAM config. Docker lists it as `Gateway`, but an engine started
// without a bridge configuration (Debian's docker.io 20.10, for one) lists only the
// `Subnet`; the bridge then has the subnet's first address, which Docker always gives it. Pure.

import { isIPv4 } from "node:net";

export interface IpamConfig {
  Gateway?: string;
  Subnet?: string;
}

/** The gateway listed, else the first address of the first IPv4 subnet. */
export function bridgeGatewayOf(config: readonly IpamConfig[] | undefined): string | undefined {
  const listed = config?.find((c) => c.Gateway)?.Gateway;
  if (listed) return listed;
  for (const c of config ?? []) {
    const [base, bits] = (c.Subnet ?? "").split("/");
    const prefix = Number(bits);
    if (!base || !isIPv4(base) || !Number.isInteger(prefix) || prefix < 1 || prefix > 30) continue;
    const value = base.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const size = 2 ** (32 - prefix);
    const first = value - (value % size) + 1;
    return [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join(".");
  }
  return undefined;
}
