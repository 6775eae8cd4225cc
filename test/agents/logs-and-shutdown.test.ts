import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import type { EverynodeError } from "../../shared/errors.js";
import { CLOSE_CODES } from "../../shared/protocol.js";
import type { PodLogOptions } from "../../control-plane/api/pod-log-streamer.js";
import type { FakeAgent, Harness } from "./harness.js";
import { hello, startHarness } from "./harness.js";

const options: PodLogOptions = {
  container: "web",
  follow: true,
  timestamps: false,
  previous: false,
  tailLines: 5,
};

function collect(): { chunks: Buffer[]; write(chunk: Buffer): void; text(): string } {
  const chunks: Buffer[] = [];
  return { chunks, write: (c) => chunks.push(c), text: () => Buffer.concat(chunks).toString("utf8") };
}

describe("log relay", () => {
  let h: Harness;
  let agent: FakeAgent;
  let logPod: Pod;
  beforeAll(async () => {
    h = await startHarness();
    logPod = h.store.create("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "talker", namespace: "default" },
      spec: { nodeName: "logs-node", containers: [{ name: "web", image: "everynode/web:test" }] },
    });
    agent = await h.connect(await h.register("logs-node"));
    agent.send(hello("logs-node"));
    await agent.next("welcome");
  });
  afterAll(async () => {
    await h.close();
  });

  it("relays the agent's chunks into the sink and ends with logEnd", async () => {
    const sink = collect();
    const done = h.agents.logs.stream(logPod, options, sink, new AbortController().signal);
    const req = await agent.next("logRequest");
    expect(req).toMatchObject({
      namespace: "default",
      podName: "talker",
      podUid: logPod.metadata.uid,
      container: "web",
      follow: true,
      tailLines: 5,
    });
    agent.send({
      v: 1,
      type: "logData",
      requestId: req.requestId,
      data: Buffer.from("hello\n").toString("base64"),
    });
    agent.send({
      v: 1,
      type: "logData",
      requestId: req.requestId,
      data: Buffer.from("world\n").toString("base64"),
    });
    agent.send({ v: 1, type: "logEnd", requestId: req.requestId });
    await done;
    expect(sink.text()).toBe("hello\nworld\n");
  });

  it("rejects with the agent's error code", async () => {
    const done = h.agents.logs.stream(
      logPod,
      { ...options, container: "nope" },
      collect(),
      new AbortController().signal,
    );
    const req = await agent.next("logRequest");
    agent.send({
      v: 1,
      type: "logEnd",
      requestId: req.requestId,
      error: { code: "NotFound", message: 'container "nope" not found' },
    });
    await expect(done).rejects.toMatchObject({ code: "NotFound", message: 'container "nope" not found' });
  });

  it("sends logCancel when the reader goes away", async () => {
    const abort = new AbortController();
    const done = h.agents.logs.stream(logPod, options, collect(), abort.signal);
    const req = await agent.next("logRequest");
    abort.abort();
    await done;
    expect(await agent.next("logCancel")).toEqual({ v: 1, type: "logCancel", requestId: req.requestId });
  });

  it("says the agent is not connected when the node has no session", async () => {
    const elsewhere = { ...logPod, spec: { ...logPod.spec, nodeName: "offline-node" } };
    const err = (await h.agents.logs
      .stream(elsewhere, options, collect(), new AbortController().signal)
      .catch((e) => e)) as EverynodeError;
    expect(err.code).toBe("ServiceUnavailable");
    expect(err.message).toBe("the node's agent is not connected");
  });

  it("fails an open stream when the agent's socket drops", async () => {
    const other = await h.connect(await h.register("flaky-node"));
    other.send(hello("flaky-node"));
    await other.next("welcome");
    const onFlaky = { ...logPod, spec: { ...logPod.spec, nodeName: "flaky-node" } };
    const done = h.agents.logs.stream(onFlaky, options, collect(), new AbortController().signal);
    await other.next("logRequest");
    other.ws.terminate();
    await expect(done).rejects.toMatchObject({ code: "ServiceUnavailable" });
  });
});

describe("shutdown", () => {
  it.each([
    ["destroying the sockets", {}],
    ["leaving the sockets to the process's exit", { processExits: true }],
  ])("closes every agent socket with 1001, %s", async (_how, options) => {
    const h = await startHarness();
    const a = await h.connect(await h.register("stay-1"));
    const b = await h.connect(await h.register("stay-2"));
    a.send(hello("stay-1"));
    await a.next("welcome");
    await h.agents.close(options);
    expect((await a.closed).code).toBe(CLOSE_CODES.goingAway);
    expect((await b.closed).code).toBe(CLOSE_CODES.goingAway);
    await h.close();
  });
});
