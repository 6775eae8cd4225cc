// A pod's name resolution as Docker applies it: dnsPolicy None with dnsConfig (servers,
// searches, options) and hostAliases (/etc/hosts lines). They go on the pod's sandbox, whose
// resolv.conf and hosts files its containers share, or on each container of a hostNetwork
// pod (each has its own files there). The other policies keep Docker's copy of the node's
// resolv.conf, which is what they mean without a cluster DNS. Pure.

import type { Pod } from "../../shared/api-types.js";
import type { ContainerCreateSpec } from "../runtime/container-runtime.js";

interface DnsConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

interface HostAlias {
  ip: string;
  hostnames?: string[];
}

export function nameResolution(pod: Pod): Pick<ContainerCreateSpec, "dns" | "extraHosts"> {
  const out: Pick<ContainerCreateSpec, "dns" | "extraHosts"> = {};
  const config = pod.spec.dnsConfig as DnsConfig | undefined;
  if (pod.spec.dnsPolicy === "None") {
    out.dns = {
      servers: config?.nameservers ?? [],
      search: config?.searches ?? [],
      options: (config?.options ?? []).map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name)),
    };
  }
  const aliases = (pod.spec.hostAliases as HostAlias[] | undefined) ?? [];
  const hosts = aliases.flatMap((a) => (a.hostnames ?? []).map((h) => `${h}:${a.ip}`));
  if (hosts.length > 0) out.extraHosts = hosts;
  return out;
}
