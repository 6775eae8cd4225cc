// Which names and addresses the serving certificate must carry, and whether an existing
// certificate already carries them. Pure, so that the re-issue decision is tested by table.

import { isIP, isIPv4 } from "node:net";

/** The subject alternative names of a certificate: DNS names and IP addresses (canonical). */
export interface SanSet {
  dns: string[];
  ips: string[];
}

/** The network interfaces as `os.networkInterfaces()` reports them (only what is read). */
export type InterfaceMap = Record<string, { address: string }[] | undefined>;

/** An IP address in one spelling: IPv4 as is, IPv6 as eight lower-case groups without padding. */
export function canonicalIp(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(bare)) return bare;
  if (isIP(bare) !== 6) return bare.toLowerCase();
  let text = bare.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split(".").map(Number);
    text = text.slice(0, -v4[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16).toString(16)).join(":");
}

/** Splits `--tls-san` entries into IP and DNS names, as kube-apiserver and k3s do. */
export function classifySans(entries: string[]): SanSet {
  const set: SanSet = { dns: [], ips: [] };
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (isIP(entry.replace(/^\[|\]$/g, "").replace(/%.*$/, ""))) set.ips.push(canonicalIp(entry));
    else set.dns.push(entry.toLowerCase());
  }
  return set;
}

/** The SANs everynode's serving certificate should have on this host. */
export function wantedSans(input: { hostname: string; interfaces: InterfaceMap; extra: string[] }): SanSet {
  const names = ["localhost", input.hostname, "kubernetes", "kubernetes.default", ...input.extra];
  const addresses = ["127.0.0.1", "::1"];
  for (const list of Object.values(input.interfaces)) {
    for (const a of list ?? []) addresses.push(a.address);
  }
  const set = classifySans([...names, ...addresses]);
  return { dns: [...new Set(set.dns)], ips: [...new Set(set.ips)] };
}

/** Reads Node's `X509Certificate.subjectAltName` text ("DNS:a, IP Address:1.2.3.4"). */
export function parseSubjectAltName(text: string | undefined): SanSet {
  const set: SanSet = { dns: [], ips: [] };
  for (const part of (text ?? "").split(/,\s*/)) {
    if (part.startsWith("DNS:")) set.dns.push(part.slice(4).toLowerCase());
    else if (part.startsWith("IP Address:")) set.ips.push(canonicalIp(part.slice(11)));
  }
  return set;
}

/** What `want` has that `have` lacks; empty lists mean the certificate is good as it is. */
export function missingSans(have: SanSet, want: SanSet): SanSet {
  const dns = new Set(have.dns.map((d) => d.toLowerCase()));
  const ips = new Set(have.ips.map(canonicalIp));
  return {
    dns: want.dns.filter((d) => !dns.has(d.toLowerCase())),
    ips: want.ips.filter((ip) => !ips.has(canonicalIp(ip))),
  };
}
