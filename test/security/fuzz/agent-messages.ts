// What a hostile agent can send over its WebSocket: valid messages mutated (hello,
// heartbeat, podStatus, logData, logEnd, goodbye), garbage text, binary frames, huge frames.

import fc from "fast-check";
import { hello } from "../../agents/harness.js";
import type { Json } from "./hostile-values.js";
import { applyMutations, brief, hugeString, mutationsOf } from "./hostile-values.js";
import { FUZZ_NS, FUZZ_WS_NODE } from "./manifests.js";

export type Frame = { binary: boolean; data: Buffer; summary: string };

export interface WsPod {
  name: string;
  uid: string;
}

export function validPodStatus(): Json {
  return {
    phase: "Running",
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }],
    containerStatuses: [
      {
        name: "main",
        ready: true,
        started: true,
        restartCount: 0,
        image: "everynode/web:test",
        imageID: "docker-pullable://everynode/web@sha256:00",
        containerID: "docker://0123456789abcdef",
        state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
      },
    ],
    hostIP: "10.0.0.1",
    podIP: "10.244.0.9",
    podIPs: [{ ip: "10.244.0.9" }],
    startTime: "2026-01-01T00:00:00Z",
  };
}

/** The valid messages the mutations start from. */
export function seedMessages(pod: WsPod): Json[] {
  return [
    hello(FUZZ_WS_NODE) as unknown as Json,
    { v: 1, type: "heartbeat" },
    {
      v: 1,
      type: "podStatus",
      seq: 1,
      statuses: [{ namespace: FUZZ_NS, name: pod.name, uid: pod.uid, status: validPodStatus() }],
    },
    { v: 1, type: "logData", requestId: "r1", data: Buffer.from("line\n").toString("base64") },
    { v: 1, type: "logEnd", requestId: "r1", error: { code: "NotFound", message: "gone" } },
    { v: 1, type: "goodbye", reason: "fuzz" },
  ];
}

function text(doc: Json, label: string): Frame {
  return { binary: false, data: Buffer.from(JSON.stringify(doc)), summary: `${label} ${brief(doc, 300)}` };
}

function frameOf(pod: WsPod): fc.Arbitrary<Frame> {
  const seeds = seedMessages(pod);
  const mutated = fc
    .constantFrom(...seeds.keys())
    .chain((i) => mutationsOf(seeds[i] as Json, 3).map((m) => ({ i, m })))
    .map(({ i, m }) =>
      text(applyMutations(seeds[i] as Json, m), `mutated ${(seeds[i] as { type: string }).type}`),
    );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...seeds).map((s) => text(s, "valid")) },
    { weight: 8, arbitrary: mutated },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom("", "null", "[]", "{}", '{"v":1}', '{"v":2,"type":"hello"}'),
        )
        .map((s) => ({ binary: false, data: Buffer.from(s), summary: `text ${JSON.stringify(s)}` })),
    },
    {
      weight: 2,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({
        binary: true,
        data: Buffer.from(b),
        summary: `binary ${Buffer.from(b).toString("hex")}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...seeds).map((s) => ({
        binary: true,
        data: Buffer.from(JSON.stringify(s)),
        summary: `valid as binary ${(s as { type: string }).type}`,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 17 }).map((mb) => {
        const big = { ...(seeds[0] as Record<string, Json>), nodeName: hugeString(mb * 1024 * 1024) };
        return {
          binary: false,
          data: Buffer.from(JSON.stringify(big)),
          summary: `hello with a ${mb} MiB nodeName`,
        };
      }),
    },
  );
}

/** A session: a first frame (mostly a hello), then a few more. */
export function agentScript(pod: WsPod): fc.Arbitrary<Frame[]> {
  const first = fc.oneof(
    { weight: 3, arbitrary: fc.constant(text(seedMessages(pod)[0] as Json, "valid hello")) },
    { weight: 4, arbitrary: frameOf(pod) },
  );
  return fc.tuple(first, fc.array(frameOf(pod), { maxLength: 4 })).map(([a, rest]) => [a, ...rest]);
}
