// The DockerRuntime on the real engine with the local image everynode/web:test.

import { afterAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import type { ContainerCreateSpec, RuntimeEvent } from "../../agent/runtime/container-runtime.js";
import { EverynodeError } from "../../shared/errors.js";
import { eventually, removeByLabel } from "./helpers/docker-cleanup.js";

const RUN = `rt-${process.pid}-${Date.now()}`;
const TEST_LABEL = "io.everynode.test-run";
const rt = new DockerRuntime();

function spec(name: string, over: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec {
  return {
    name: `everynode-test-${RUN}-${name}`,
    image: "everynode/web:test",
    labels: { [TEST_LABEL]: RUN, "io.everynode.test-case": name },
    env: ["GREETING=hi"],
    ports: [],
    hostNetwork: false,
    binds: [],
    privileged: false,
    init: true,
    ...over,
  };
}

afterAll(async () => {
  await removeByLabel(TEST_LABEL, RUN);
});

describe("DockerRuntime", () => {
  it("reports the engine version", async () => {
    expect(await rt.version()).toMatch(/^\d+\.\d+/);
  });

  it("creates, starts, lists by label, stops with SIGTERM within the grace, removes", async () => {
    // sleep as PID 1 ignores SIGTERM; the init forwards it, so the stop is quick.
    const id = await rt.createContainer(spec("lifecycle", { entrypoint: ["sleep", "1000"] }));
    await rt.start(id);
    const listed = await rt.list({ [TEST_LABEL]: RUN, "io.everynode.test-case": "lifecycle" });
    expect(listed.map((c) => [c.id, c.state])).toEqual([[id, "running"]]);
    expect(listed[0]!.labels[TEST_LABEL]).toBe(RUN);
    expect(listed[0]!.imageId).toMatch(/^sha256:/);
    expect(listed[0]!.startedAt).toBeGreaterThan(Date.now() - 60_000);
    const t0 = Date.now();
    await rt.stop(id, 20);
    expect(Date.now() - t0).toBeLessThan(5000);
    const stopped = await rt.inspect(id);
    expect(stopped).toMatchObject({ state: "exited", exitCode: 143, oomKilled: false });
    expect(stopped!.finishedAt).toBeGreaterThanOrEqual(stopped!.startedAt!);
    await rt.remove(id);
    expect(await rt.inspect(id)).toBeUndefined();
    await rt.remove(id); // removing twice is fine
  });

  /** The tagged log parts of a container that prints to stdout and stderr, then exits. */
  async function logsOfExited(
    name: string,
    timestamps: boolean,
  ): Promise<{ stream: string | undefined; text: string }[]> {
    const id = await rt.createContainer(
      spec(name, { entrypoint: ["sh", "-c"], cmd: ["echo out-$GREETING; echo err-line >&2"] }),
    );
    await rt.start(id);
    await eventually(async () => (await rt.inspect(id))?.state === "exited");
    const parts: { stream: string | undefined; text: string }[] = [];
    await rt.logs(
      id,
      { follow: false, timestamps },
      (b, stream) => parts.push({ stream, text: b.toString() }),
      new AbortController().signal,
    );
    return parts;
  }

  it("reads stdout and stderr, demultiplexed", async () => {
    expect(await logsOfExited("logs", false)).toEqual(
      expect.arrayContaining([
        { stream: "stdout", text: "out-hi\n" },
        { stream: "stderr", text: "err-line\n" },
      ]),
    );
  });

  it("prefixes each line with the engine's timestamp when asked, still tagged", async () => {
    const stamp = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z `;
    expect(await logsOfExited("logs-ts", true)).toEqual(
      expect.arrayContaining([
        { stream: "stdout", text: expect.stringMatching(new RegExp(`^${stamp}out-hi\n$`)) },
        { stream: "stderr", text: expect.stringMatching(new RegExp(`^${stamp}err-line\n$`)) },
      ]),
    );
  });

  it("follows logs until aborted", async () => {
    const id = await rt.createContainer(
      spec("follow", { entrypoint: ["sh", "-c"], cmd: ["while true; do echo tick; sleep 0.2; done"] }),
    );
    await rt.start(id);
    const ac = new AbortController();
    let text = "";
    const done = rt.logs(
      id,
      { follow: true, timestamps: false },
      (b) => {
        text += b.toString();
        if (text.split("tick").length > 3) ac.abort();
      },
      ac.signal,
    );
    await done;
    expect(text.startsWith("tick\n")).toBe(true);
  });

  it("streams label-filtered events", async () => {
    const ac = new AbortController();
    const seen: RuntimeEvent[] = [];
    const watching = rt.events({ [TEST_LABEL]: RUN, "io.everynode.test-case": "events" }, ac.signal, (e) =>
      seen.push(e),
    );
    await new Promise((r) => setTimeout(r, 200));
    const id = await rt.createContainer(spec("events", { entrypoint: ["true"] }));
    await rt.start(id);
    await eventually(() => seen.some((e) => e.action === "die"));
    ac.abort();
    await watching;
    expect(seen.filter((e) => e.containerId === id).map((e) => e.action)).toEqual(
      expect.arrayContaining(["create", "start", "die"]),
    );
  });

  it("a missing image fails to pull offline; Never does not pull", async () => {
    expect(await rt.imageExists("everynode/does-not-exist:1")).toBe(false);
    const pullErr = await rt
      .ensureImage("everynode/does-not-exist:1", "IfNotPresent")
      .catch((e: unknown) => e);
    expect(pullErr).toBeInstanceOf(EverynodeError);
    expect((pullErr as EverynodeError).code).toBe("RuntimeError");
    expect((pullErr as EverynodeError).message).toMatch(/failed to pull image "everynode\/does-not-exist:1"/);
    const neverErr = await rt.ensureImage("everynode/does-not-exist:1", "Never").catch((e: unknown) => e);
    expect((neverErr as EverynodeError).message).toMatch(/not present with pull policy of Never/);
    await expect(rt.ensureImage("everynode/web:test", "IfNotPresent")).resolves.toBeUndefined();
  });

  it("refuses an invalid config as a permanent error", async () => {
    const err = await rt
      .createContainer(spec("bad", { name: "bad name with spaces" }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "RuntimeError", temporary: false });
  });

  it("an unreachable engine is a temporary error", async () => {
    const down = new DockerRuntime({ dockerHost: "unix:///tmp/everynode-no-such.sock" });
    await expect(down.list({})).rejects.toMatchObject({ code: "RuntimeError", temporary: true });
  });
});
