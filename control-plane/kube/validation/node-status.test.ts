import { describe, expect, it } from "vitest";
import { validateNodeStatusFacts } from "./node-status.js";

const facts = () => ({
  addresses: [
    { type: "InternalIP", address: "10.0.0.1" },
    { type: "Hostname", address: "worker-1" },
  ],
  capacity: { cpu: "2", memory: "2047100Ki", pods: "110" },
  allocatable: { cpu: "2", memory: "2047100Ki", pods: "110" },
  nodeInfo: { kubeletVersion: "v1.32.4", osImage: "Debian GNU/Linux 12 (bookworm)", kernelVersion: "6.1.0" },
});

describe("validateNodeStatusFacts", () => {
  it("accepts what the agent reports", () => {
    expect(validateNodeStatusFacts(facts())).toEqual([]);
  });

  it.each<[string, (f: any) => void, string, string]>([
    ["a null address", (f) => (f.addresses = [null]), "status.addresses[0]", "FieldValueTypeInvalid"],
    [
      "addresses that are no list",
      (f) => (f.addresses = "10.0.0.1"),
      "status.addresses",
      "FieldValueTypeInvalid",
    ],
    [
      "an address without address",
      (f) => delete f.addresses[0].address,
      "status.addresses[0].address",
      "FieldValueRequired",
    ],
    [
      "an address of an unknown type",
      (f) => (f.addresses[0].type = "Fake"),
      "status.addresses[0].type",
      "FieldValueNotSupported",
    ],
    [
      "an address as a number",
      (f) => (f.addresses[0].address = 10),
      "status.addresses[0].address",
      "FieldValueTypeInvalid",
    ],
    [
      "17 addresses",
      (f) => (f.addresses = new Array(17).fill(f.addresses[0])),
      "status.addresses",
      "FieldValueTooMany",
    ],
    [
      "an extra address field",
      (f) => (f.addresses[0].extra = 1),
      "status.addresses[0].extra",
      "FieldValueUnknown",
    ],
    [
      "a quantity that is no quantity",
      (f) => (f.capacity.cpu = "lots"),
      "status.capacity[cpu]",
      "FieldValueInvalid",
    ],
    [
      "a negative quantity",
      (f) => (f.allocatable.memory = "-1Ki"),
      "status.allocatable[memory]",
      "FieldValueInvalid",
    ],
    ["a quantity as a number", (f) => (f.capacity.cpu = 2), "status.capacity[cpu]", "FieldValueTypeInvalid"],
    [
      "a resource name that is no name",
      (f) => (f.capacity["a b"] = "1"),
      "status.capacity[a b]",
      "FieldValueInvalid",
    ],
    [
      "65 resources",
      (f) => (f.capacity = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`r${i}`, "1"]))),
      "status.capacity",
      "FieldValueTooMany",
    ],
    [
      "a kubelet version of 1 KiB",
      (f) => (f.nodeInfo.kubeletVersion = "v".repeat(1024)),
      "status.nodeInfo.kubeletVersion",
      "FieldValueTooLong",
    ],
    [
      "an OS image as an object",
      (f) => (f.nodeInfo.osImage = {}),
      "status.nodeInfo.osImage",
      "FieldValueTypeInvalid",
    ],
    [
      "an unknown nodeInfo key",
      (f) => (f.nodeInfo.secret = "x"),
      "status.nodeInfo.secret",
      "FieldValueUnknown",
    ],
  ])("refuses %s", (_what, mutate, field, type) => {
    const f = facts();
    mutate(f);
    expect(validateNodeStatusFacts(f).map((e) => [e.field, e.type])).toContainEqual([field, type]);
  });
});
