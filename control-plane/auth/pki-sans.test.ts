import { describe, expect, it } from "vitest";
import { canonicalIp, classifySans, missingSans, parseSubjectAltName, wantedSans } from "./pki-sans.js";

describe("canonicalIp", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::1", "0:0:0:0:0:0:0:1"],
    ["0:0:0:0:0:0:0:1", "0:0:0:0:0:0:0:1"],
    ["FD00::2", "fd00:0:0:0:0:0:0:2"],
    ["fe80::fc:ff:fe00:1%eth0", "fe80:0:0:0:fc:ff:fe00:1"],
    ["[2001:db8::1]", "2001:db8:0:0:0:0:0:1"],
    ["::ffff:192.0.2.1", "0:0:0:0:0:ffff:c000:201"],
    ["::", "0:0:0:0:0:0:0:0"],
  ])("%s → %s", (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });
});

describe("classifySans", () => {
  it("puts addresses in IP SANs and names in DNS SANs", () => {
    expect(classifySans(["10.0.0.5", "API.Example.com", " ", "2001:db8::7"])).toEqual({
      dns: ["api.example.com"],
      ips: ["10.0.0.5", "2001:db8:0:0:0:0:0:7"],
    });
  });
});

describe("wantedSans", () => {
  it("has the fixed names, the host name, every interface address and the extra entries", () => {
    const sans = wantedSans({
      hostname: "box1",
      interfaces: { lo: [{ address: "127.0.0.1" }, { address: "::1" }], eth0: [{ address: "192.0.2.2" }] },
      extra: ["cp.example.com", "203.0.113.9"],
    });
    expect(sans.dns).toEqual(["localhost", "box1", "kubernetes", "kubernetes.default", "cp.example.com"]);
    expect(sans.ips).toEqual(["203.0.113.9", "127.0.0.1", "0:0:0:0:0:0:0:1", "192.0.2.2"]);
  });
});

describe("missingSans", () => {
  const have = parseSubjectAltName(
    "DNS:localhost, DNS:box1, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
  );
  it.each([
    [
      { dns: ["localhost"], ips: ["::1"] },
      { dns: [], ips: [] },
    ],
    [
      { dns: ["LOCALHOST", "new.example"], ips: [] },
      { dns: ["new.example"], ips: [] },
    ],
    [
      { dns: [], ips: ["127.0.0.1", "10.1.1.1"] },
      { dns: [], ips: ["10.1.1.1"] },
    ],
  ])("want %j → missing %j", (want, missing) => {
    expect(missingSans(have, want)).toEqual(missing);
  });
});
