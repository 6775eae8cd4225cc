import { describe, expect, it } from "vitest";
import type { Pod } from "../shared/api-types.js";
import { listenAddresses, parsePortSpec, printedAddress } from "./port-forward-spec.js";

const pod = {
  metadata: { name: "web-1" },
  spec: { containers: [{ name: "web", image: "w", ports: [{ name: "http", containerPort: 8080 }] }] },
} as Pod;

describe("port-forward arguments", () => {
  it.each([
    ["80", { local: 80, remote: 80 }],
    ["8080:80", { local: 8080, remote: 80 }],
    [":80", { local: 0, remote: 80 }],
    ["0:80", { local: 0, remote: 80 }],
    ["http", { local: 8080, remote: 8080 }],
    ["9000:http", { local: 9000, remote: 8080 }],
  ])("reads %s", (text, want) => expect(parsePortSpec(text, pod)).toMatchObject(want));

  it.each([
    ["80:", /invalid port format/],
    ["1:2:3", /invalid port format/],
    ["70000", /not a valid port number/],
    ["x:80", /local port "x"/],
    ["grpc", /does not have a named port 'grpc'/],
    ["0", /must be above 0/],
  ])("refuses %s", (text, why) => expect(() => parsePortSpec(text, pod)).toThrow(why));

  it("listens on localhost's two addresses by default, and on what --address names", () => {
    expect(listenAddresses([])).toEqual(["127.0.0.1", "::1"]);
    expect(listenAddresses(["0.0.0.0,localhost"])).toEqual(["0.0.0.0", "127.0.0.1", "::1"]);
    expect(printedAddress("::1", 8080)).toBe("[::1]:8080");
    expect(printedAddress("127.0.0.1", 8080)).toBe("127.0.0.1:8080");
  });
});
