// ConfigMaps and Secrets as environment on the real Docker engine: configMapKeyRef,
// secretKeyRef and envFrom (with prefix, optional, and keys that are no variable names),
// checked with `docker inspect` and inside the running container; a missing object keeps the
// container in CreateContainerConfigError with the kubelet's message, tried again only after
// the back-off, and it starts as soon as a set brings the object.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABELS, nodeFilter } from "../../agent/runtime/labels.js";
import type { Worker } from "../../agent/worker/worker.js";
import type { Pod } from "../../shared/api-types.js";
import type { ConfigDelivery, DeliveredObject } from "../../shared/config-delivery.js";
import type { Logger } from "../../shared/logger.js";
import type { PodStatusReport } from "../../shared/protocol.js";
import type { FakeClock } from "../helpers/fake-clock.js";
import { inspectRaw } from "./helpers/docker-cleanup.js";
import { startWorker, stopWorker, testPod } from "./helpers/test-pods.js";

const RUN = `${process.pid}-${Date.now() % 100000}`;
const NODE = `cfgenv-${RUN}`;
const runtime = new DockerRuntime();
let dataDir: string;
let worker: Worker;
let clock: FakeClock;
const statuses: PodStatusReport[] = [];
let configErrors = 0;
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (msg) => {
    if (msg === "container config is invalid") configErrors++;
  },
  error: () => {},
  child: () => logger,
};

const b64 = (s: string) => Buffer.from(s).toString("base64");
const settings = {
  namespace: "default",
  name: "settings",
  uid: "c1",
  resourceVersion: "1",
  data: { LEVEL: "debug", "bad key": "x" },
};
const creds = {
  namespace: "default",
  name: "creds",
  uid: "s1",
  resourceVersion: "2",
  type: "Opaque",
  data: { PASSWORD: b64("s3cret") },
};
const late = {
  namespace: "default",
  name: "late",
  uid: "c2",
  resourceVersion: "3",
  data: { GREETING: "hello" },
};
const config = (...configMaps: DeliveredObject[]): ConfigDelivery => ({
  configMaps,
  secrets: [creds],
  withheld: [],
});

const envPod = (): Pod =>
  testPod(
    RUN,
    "env",
    {},
    {
      command: ["sleep", "3600"],
      envFrom: [
        { configMapRef: { name: "settings" }, prefix: "CFG_" },
        { secretRef: { name: "absent", optional: true } },
      ],
      env: [
        { name: "PASS", valueFrom: { secretKeyRef: { name: "creds", key: "PASSWORD" } } },
        { name: "DSN", value: "db://app:$(PASS)@db/$(CFG_LEVEL)" },
        { name: "MAYBE", valueFrom: { configMapKeyRef: { name: "settings", key: "nope", optional: true } } },
      ],
    },
  );
const latePod = (): Pod =>
  testPod(
    RUN,
    "late",
    {},
    {
      command: ["sleep", "3600"],
      env: [{ name: "GREETING", valueFrom: { configMapKeyRef: { name: "late", key: "GREETING" } } }],
    },
  );

async function containerOf(uid: string) {
  return (await runtime.list(nodeFilter(NODE))).find(
    (c) => c.labels[LABELS.podUid] === `${RUN}-${uid}` && c.labels[LABELS.container] === "c",
  );
}
const lastStatus = (uid: string) => [...statuses].reverse().find((s) => s.uid === `${RUN}-${uid}`)?.status;

beforeAll(async () => {
  ({ worker, dataDir, clock } = await startWorker("everynode-cfgenv-", {
    nodeName: NODE,
    runtime,
    statuses,
    logger,
  }));
});
afterAll(async () => {
  await stopWorker(worker, NODE, dataDir);
});

describe("ConfigMaps and Secrets as env on Docker", () => {
  it("sets configMapKeyRef, secretKeyRef and envFrom variables, skips invalid keys and says so", async () => {
    worker.setDesired(1, [envPod()], config(settings));
    await worker.settle();
    const c = await containerOf("env");
    expect(c?.state).toBe("running");
    const env = (await inspectRaw(c!.id)).Config.Env as string[];
    expect(env).toEqual(
      expect.arrayContaining(["CFG_LEVEL=debug", "PASS=s3cret", "DSN=db://app:s3cret@db/debug"]),
    );
    expect(env.some((e) => e.startsWith("MAYBE=") || e.startsWith("CFG_bad"))).toBe(false);
    const printed = await runtime.exec(
      c!.id,
      ["sh", "-c", "echo $PASS $CFG_LEVEL"],
      AbortSignal.timeout(10_000),
    );
    expect(printed.output.trim()).toBe("s3cret debug");
    expect(lastStatus("env")?.message).toBe(
      "c: Keys [CFG_bad key] from the EnvFrom configMap default/settings were skipped since they are considered invalid environment variable names.",
    );
  });

  it("keeps a container whose ConfigMap is missing waiting with the kubelet's message, backs off, and starts once it arrives", async () => {
    worker.setDesired(2, [envPod(), latePod()], config(settings));
    await worker.settle();
    expect(await containerOf("late")).toBeUndefined();
    expect(lastStatus("late")?.containerStatuses?.[0]?.state.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message: 'configmap "late" not found',
    });
    const attempts = configErrors;
    expect(attempts).toBeGreaterThanOrEqual(1);
    // Passes come often (engine events, resyncs); the pod is tried again only after its back-off.
    for (let i = 0; i < 20; i++) await worker.settle();
    expect(configErrors).toBe(attempts);
    await clock.advance(10_000);
    await worker.settle();
    expect(configErrors).toBe(attempts + 1);
    // The set that brings the object starts the container at once, back-off or not.
    worker.setDesired(3, [envPod(), latePod()], config(settings, late));
    await worker.settle();
    const c = await containerOf("late");
    expect(c?.state).toBe("running");
    expect((await inspectRaw(c!.id)).Config.Env).toContain("GREETING=hello");
  });

  it("keeps a pod whose objects passed the node's bound waiting with the control plane's message", async () => {
    const message = "the ConfigMaps and Secrets of the pods on this node would be 1001 objects";
    const withheld = {
      ...latePod(),
      metadata: { ...latePod().metadata, uid: `${RUN}-withheld`, name: "pod-withheld" },
    };
    worker.setDesired(4, [withheld], {
      configMaps: [late],
      secrets: [],
      withheld: [{ uid: `${RUN}-withheld`, message }],
    });
    await worker.settle();
    expect(await containerOf("withheld")).toBeUndefined();
    expect(lastStatus("withheld")?.containerStatuses?.[0]?.state.waiting).toEqual({
      reason: "CreateContainerConfigError",
      message,
    });
  });
});
