import { describe, expect, it } from "vitest";
import { silentLogger } from "../../shared/logger.js";
import type { NodeImagesMessage } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import type { ContainerRuntime, PullPolicy } from "../runtime/container-runtime.js";
import { runtimeError } from "../runtime/container-runtime.js";
import { PrePuller } from "./pre-puller.js";

/** An engine with some images; pulls of `unpullable` fail, others add the image. */
function setup(present: string[], unpullable: string[] = []) {
  const clock = new FakeClock();
  const images = new Set(present);
  const calls: string[] = [];
  const runtime = {
    imageExists: async (ref: string) => images.has(ref),
    ensureImage: async (ref: string, policy: PullPolicy) => {
      calls.push(`${policy} ${ref}`);
      if (policy !== "Always" && images.has(ref)) return;
      if (policy === "Never")
        throw runtimeError(`container image "${ref}" is not present with pull policy of Never`, false);
      if (unpullable.includes(ref)) throw runtimeError(`failed to pull image "${ref}": not found`, false);
      images.add(ref);
    },
    inspectImage: async (ref: string) =>
      images.has(ref) ? { sizeBytes: 42, names: [ref, "sha256:1"] } : undefined,
  } as unknown as ContainerRuntime;
  const sent: NodeImagesMessage[] = [];
  const puller = new PrePuller({ runtime, clock, logger: silentLogger, send: (m) => (sent.push(m), true) });
  const last = () => sent.at(-1);
  return { clock, images, calls, puller, sent, last };
}

describe("PrePuller", () => {
  it("pulls a missing image and reports it with its size and names", async () => {
    const { puller, calls, sent, last } = setup([]);
    puller.setWanted([{ image: "web:v2", pullPolicy: "IfNotPresent" }]);
    await puller.idle();
    expect(calls).toEqual(["IfNotPresent web:v2"]);
    expect(sent.map((m) => m.prePull.map((s) => s.state).join())).toEqual(["", "Pulling", "Present"]);
    expect(last()?.images).toEqual([{ names: ["web:v2", "sha256:1"], sizeBytes: 42 }]);
  });

  it("does not pull an image that is present (IfNotPresent), and pulls with Always", async () => {
    const { puller, calls, last } = setup(["web:v2", "side:1"]);
    puller.setWanted([
      { image: "web:v2", pullPolicy: "IfNotPresent" },
      { image: "side:1", pullPolicy: "Always" },
    ]);
    await puller.idle();
    expect(calls).toEqual(["Always side:1"]);
    expect(last()?.prePull).toEqual([
      { image: "web:v2", state: "Present" },
      { image: "side:1", state: "Present" },
    ]);
  });

  it("only checks a Never image, and checks again after the back-off", async () => {
    const { puller, clock, images, calls, last } = setup([]);
    puller.setWanted([{ image: "local:1", pullPolicy: "Never" }]);
    await puller.idle();
    expect(last()?.prePull).toEqual([
      {
        image: "local:1",
        state: "Failed",
        reason: "ErrImageNeverPull",
        message: 'container image "local:1" is not present with pull policy of Never',
      },
    ]);
    images.add("local:1");
    await clock.advance(10_000);
    await puller.idle();
    expect(last()?.prePull).toEqual([{ image: "local:1", state: "Present" }]);
    expect(calls.every((c) => c.startsWith("Never"))).toBe(true);
  });

  it("backs off after a failed pull as pods do: 10 s, then 20 s", async () => {
    const { puller, clock, calls, last } = setup([], ["bad:1"]);
    puller.setWanted([{ image: "bad:1" }]);
    await puller.idle();
    expect(last()?.prePull[0]).toMatchObject({ state: "Failed", reason: "ErrImagePull" });
    await clock.advance(9_000);
    await puller.idle();
    expect(calls).toHaveLength(1);
    await clock.advance(1_000);
    await puller.idle();
    expect(calls).toHaveLength(2);
    await clock.advance(19_000);
    await puller.idle();
    expect(calls).toHaveLength(2);
    await clock.advance(1_000);
    await puller.idle();
    expect(calls).toHaveLength(3);
  });

  it("forgets images no longer wanted; reports only to a server that sent a list, again after a reconnect", async () => {
    const { puller, sent, last } = setup(["web:v2"]);
    puller.setWanted([{ image: "web:v2" }]);
    await puller.idle();
    const before = sent.length;
    puller.setWanted([{ image: "web:v2" }]);
    await puller.idle();
    expect(sent.length).toBe(before);
    puller.reconnected();
    puller.setWanted([{ image: "web:v2" }]);
    await puller.idle();
    expect(sent.length).toBe(before + 1);
    puller.setWanted([]);
    await puller.idle();
    expect(last()).toEqual({ v: 1, type: "nodeImages", images: [], prePull: [] });
  });

  it("says nothing on a connection whose server sent no list yet", async () => {
    const { puller, clock, calls, sent } = setup([], ["bad:1"]);
    puller.setWanted([{ image: "bad:1" }]);
    await puller.idle();
    const before = sent.length;
    puller.reconnected();
    // The retry after the back-off pulls (and fails) again, but reports nothing yet.
    await clock.advance(10_000);
    await puller.idle();
    expect(calls).toHaveLength(2);
    expect(sent.length).toBe(before);
  });
});
