import { describe, expect, it } from "vitest";
import { AGENT_METRIC_BUCKETS, type AgentMessage, type PodStatusReport } from "../../shared/protocol.js";
import { checkAgentMessage, describeProblems, splitPodStatuses } from "./message-validation.js";

function hello(): any {
  return {
    v: 1,
    type: "hello",
    nodeName: "node-a",
    appliedRevision: 0,
    node: {
      addresses: [{ type: "InternalIP", address: "10.0.0.1" }],
      capacity: { cpu: "2", memory: "2Gi", pods: "110" },
      allocatable: { cpu: "2", memory: "2Gi", pods: "110" },
      nodeInfo: { kubeletVersion: "v1.32.4", osImage: "test" },
    },
  };
}

function metrics(): any {
  const none = (): any => ({ counts: new Array(AGENT_METRIC_BUCKETS.length + 1).fill(0), sum: 0 });
  return {
    v: 1,
    type: "metrics",
    containers: { running: 3, waiting: 1, terminated: 0 },
    restarts: 4,
    imagePulls: { ...none(), sum: 2.5 },
    containerStarts: none(),
    reconcileLag: none(),
  };
}

function usage(): any {
  return {
    v: 1,
    type: "usage",
    timestamp: "2026-12-05T12:00:00.000Z",
    windowSeconds: 15.002,
    node: { cpuNanocores: 1_200_000_000, memoryBytes: 3_000_000_000 },
    pods: [
      {
        namespace: "default",
        name: "web-abcde",
        uid: "u1",
        containers: [{ name: "web", cpuNanocores: 200_000_000, memoryBytes: 40_000_000 }],
      },
    ],
  };
}

function nodeImages(): any {
  return {
    v: 1,
    type: "nodeImages",
    images: [{ names: ["web:v2", "docker.io/library/web@sha256:abc"], sizeBytes: 2_000_000 }],
    prePull: [
      { image: "web:v2", state: "Present" },
      { image: "side:2", state: "Failed", reason: "ErrImagePull", message: "pull access denied" },
    ],
  };
}

describe("checkAgentMessage: nodeImages", () => {
  it.each<[string, (m: any) => any, RegExp]>([
    ["51 images", (m) => ((m.images = new Array(51).fill(m.images[0])), m), /images: Too many: 51/],
    ["an image without names", (m) => ((m.images[0].names = []), m), /images\[0\]\.names/],
    ["9 names", (m) => ((m.images[0].names = new Array(9).fill("x")), m), /images\[0\]\.names: Too many/],
    ["a name of 1 KiB", (m) => ((m.images[0].names = ["n".repeat(1024)]), m), /names\[0\]: Too long/],
    ["a negative size", (m) => ((m.images[0].sizeBytes = -1), m), /images\[0\]\.sizeBytes/],
    ["an unknown state", (m) => ((m.prePull[0].state = "Done"), m), /prePull\[0\]\.state: Unsupported/],
    ["an unknown reason", (m) => ((m.prePull[1].reason = "Oops"), m), /prePull\[1\]\.reason: Unsupported/],
    ["a message of 4 KiB", (m) => ((m.prePull[1].message = "m".repeat(4096)), m), /message: Too long/],
    ["an unknown field", (m) => ((m.prePull[0].extra = 1), m), /prePull\[0\]\.extra: unknown field/],
  ])("refuses a report with %s", (_what, mutate, why) => {
    expect(problem(mutate(nodeImages()))).toMatch(why);
  });

  it("takes the largest report an agent can send", () => {
    const ref = (i: number, j: number): string => `${i}-${j}-`.padEnd(512, "x");
    const largest = {
      v: 1,
      type: "nodeImages",
      images: Array.from({ length: 50 }, (_, i) => ({
        names: Array.from({ length: 8 }, (_, j) => ref(i, j)),
        sizeBytes: 2 ** 40,
      })),
      prePull: Array.from({ length: 50 }, (_, i) => ({
        image: ref(i, 0),
        state: "Failed",
        reason: "ErrImageNeverPull",
        message: "m".repeat(2048),
      })),
    };
    expect(problem(largest)).toBe("");
  });
});

const report = (name: string, status: unknown): PodStatusReport =>
  ({ namespace: "default", name, uid: `u-${name}`, status }) as PodStatusReport;

/** The ProtocolError message checkAgentMessage throws, or "" when the message passes. */
function problem(m: any, bytes = JSON.stringify(m).length): string {
  try {
    checkAgentMessage(m as AgentMessage, bytes);
    return "";
  } catch (e) {
    expect((e as { code?: string }).code).toBe("ProtocolError");
    return (e as Error).message;
  }
}

describe("checkAgentMessage", () => {
  it.each<[string, any]>([
    ["hello", hello()],
    ["hello with capabilities", { ...hello(), capabilities: ["gracefulDeletion", "somethingNewer"] }],
    ["heartbeat", { v: 1, type: "heartbeat" }],
    ["podStatus", { v: 1, type: "podStatus", seq: 3, statuses: [report("a", { phase: "Running" })] }],
    [
      "podStatus with a bad status (left to splitPodStatuses)",
      { v: 1, type: "podStatus", seq: 3, statuses: [report("a", { phase: 5 })] },
    ],
    ["logData", { v: 1, type: "logData", requestId: "r1", data: Buffer.from("hi\n").toString("base64") }],
    ["logEnd", { v: 1, type: "logEnd", requestId: "r1", error: { code: "NotFound", message: "gone" } }],
    ["goodbye", { v: 1, type: "goodbye", reason: "shutting down" }],
    ["metrics", metrics()],
    ["nodeImages", nodeImages()],
    ["usage", usage()],
    ["usage of a node without pods", { ...usage(), pods: [] }],
    ["nodeImages, nothing to report", { v: 1, type: "nodeImages", images: [], prePull: [] }],
  ])("passes a well-formed %s", (_what, m) => {
    expect(problem(m)).toBe("");
  });

  it.each<[string, (m: any) => any, RegExp]>([
    [
      "a null address",
      (m) => ((m.node.addresses = [null]), m),
      /^hello: node\.addresses\[0\]: Invalid value: null: must be an object/,
    ],
    ["addresses that are no list", (m) => ((m.node.addresses = {}), m), /node\.addresses: .*must be a list/],
    ["no nodeInfo", (m) => (delete m.node.nodeInfo, m), /node\.nodeInfo: .*must be an object/],
    [
      "capabilities that are no list",
      (m) => ((m.capabilities = "gracefulDeletion"), m),
      /capabilities: .*must be a list/,
    ],
    ["a capability that is no string", (m) => ((m.capabilities = [1]), m), /capabilities\[0\]/],
    [
      "too many capabilities",
      (m) => ((m.capabilities = Array.from({ length: 33 }, (_, i) => `c${i}`)), m),
      /capabilities: Too many/,
    ],
    ["an unknown node field", (m) => ((m.node.conditions = []), m), /node\.conditions: unknown field/],
    ["a capacity that is no quantity", (m) => ((m.node.capacity.cpu = "many"), m), /node\.capacity\[cpu\]/],
    [
      "a kernel version of 1 KiB",
      (m) => ((m.node.nodeInfo.kernelVersion = "k".repeat(1024)), m),
      /node\.nodeInfo\.kernelVersion: Too long/,
    ],
    ["a negative revision", (m) => ((m.appliedRevision = -1), m), /appliedRevision/],
    ["an unknown top-level field", (m) => ((m.extra = 1), m), /hello\.extra: unknown field/],
  ])("refuses a hello with %s", (_what, mutate, why) => {
    expect(problem(mutate(hello()))).toMatch(why);
  });

  it.each<[string, any, RegExp]>([
    [
      "a heartbeat with a payload",
      { v: 1, type: "heartbeat", payload: "x" },
      /heartbeat\.payload: unknown field/,
    ],
    [
      "251 statuses",
      { v: 1, type: "podStatus", seq: 1, statuses: new Array(251).fill(report("a", {})) },
      /statuses: Too many: 251: must have at most 250 items/,
    ],
    [
      "a status entry without uid",
      { v: 1, type: "podStatus", seq: 1, statuses: [{ namespace: "d", name: "a", status: {} }] },
      /statuses\[0\]\.uid: Required/,
    ],
    [
      "a status entry with a list as status",
      { v: 1, type: "podStatus", seq: 1, statuses: [{ ...report("a", []) }] },
      /statuses\[0\]\.status/,
    ],
    ["a fractional seq", { v: 1, type: "podStatus", seq: 1.5, statuses: [] }, /seq/],
    [
      "log data that is not base64",
      { v: 1, type: "logData", requestId: "r", data: "not base64!" },
      /data: .*base64/,
    ],
    [
      "an unknown log error code",
      { v: 1, type: "logEnd", requestId: "r", error: { code: "Boom", message: "" } },
      /error\.code: Unsupported value/,
    ],
    ["a goodbye reason of 4 KiB", { v: 1, type: "goodbye", reason: "r".repeat(3000) }, /reason: Too long/],
  ])("refuses %s", (_what, m, why) => {
    expect(problem(m)).toMatch(why);
  });

  it.each<[string, (m: any) => any, RegExp]>([
    [
      "a negative container count",
      (m) => ((m.containers.running = -1), m),
      /containers\.running: .*between 0/,
    ],
    ["a missing state", (m) => (delete m.containers.waiting, m), /containers\.waiting: .*an integer/],
    ["an unknown state", (m) => ((m.containers.paused = 1), m), /containers\.paused: unknown field/],
    ["fractional restarts", (m) => ((m.restarts = 1.5), m), /restarts: .*an integer/],
    ["a bucket too few", (m) => (m.imagePulls.counts.pop(), m), /imagePulls\.counts: .*a list of 16 counts/],
    ["a huge count", (m) => ((m.containerStarts.counts[2] = 1e7), m), /containerStarts\.counts\[2\]/],
    ["a negative sum", (m) => ((m.reconcileLag.sum = -1), m), /reconcileLag\.sum/],
    ["no lag at all", (m) => (delete m.reconcileLag, m), /reconcileLag: .*an object/],
    ["an unknown field", (m) => ((m.cpu = 1), m), /metrics\.cpu: unknown field/],
  ])("refuses a metrics summary with %s", (_what, mutate, why) => {
    expect(problem(mutate(metrics()))).toMatch(why);
  });

  it.each<[string, (m: any) => any, RegExp]>([
    ["no timestamp", (m) => (delete m.timestamp, m), /timestamp: Required/],
    ["a timestamp not RFC 3339", (m) => ((m.timestamp = "yesterday"), m), /timestamp: .*RFC 3339/],
    ["no window", (m) => ((m.windowSeconds = 0), m), /windowSeconds: .*above 0/],
    ["a negative CPU rate", (m) => ((m.node.cpuNanocores = -1), m), /node\.cpuNanocores: .*between 0/],
    [
      "fractional memory",
      (m) => ((m.pods[0].containers[0].memoryBytes = 1.5), m),
      /memoryBytes: .*an integer/,
    ],
    ["no pods list", (m) => (delete m.pods, m), /pods: .*a list/],
    ["a pod without uid", (m) => (delete m.pods[0].uid, m), /pods\[0\]\.uid: Required/],
    ["an unknown container field", (m) => ((m.pods[0].containers[0].disk = 1), m), /disk: unknown field/],
    ["too many pods", (m) => ((m.pods = new Array(1001).fill(m.pods[0])), m), /pods: .*1000/],
  ])("refuses a usage message with %s", (_what, mutate, why) => {
    expect(problem(mutate(usage()))).toMatch(why);
  });

  it("refuses a message larger than its type allows, before reading its fields", () => {
    expect(problem({ v: 1, type: "heartbeat" }, 2048)).toBe(
      "heartbeat: message of 2048 bytes is larger than 1024",
    );
    expect(problem(hello(), 65 * 1024)).toMatch(/^hello: message of 66560 bytes is larger than 65536/);
  });
});

describe("splitPodStatuses", () => {
  it("keeps valid statuses and names the invalid ones with why", () => {
    const good = report("good", { phase: "Running" });
    const bad = report("bad", { phase: "Running", conditions: [{ type: "Ready", status: "Maybe" }] });
    const { valid, refused } = splitPodStatuses([good, bad]);
    expect(valid).toEqual([good]);
    expect(refused).toEqual([
      {
        namespace: "default",
        name: "bad",
        uid: "u-bad",
        reason:
          'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"',
      },
    ]);
  });
});

describe("describeProblems", () => {
  it("tells the first three, each cut short, and counts the rest", () => {
    const errs = Array.from({ length: 5 }, (_, i) => ({
      type: "FieldValueInvalid" as const,
      field: `f${i}`,
      message: `Invalid value: "${"x".repeat(1000)}"`,
    }));
    const text = describeProblems(errs);
    expect(text).toMatch(/^f0: Invalid value: "x+\.\.\.; f1: .*; f2: .* \(and 2 more\)$/);
    expect(text.length).toBeLessThan(700);
  });
});
