// Image pre-pull on three real nodes (the server's agent and two more, on the machine's Docker
// engine) with images the engine really pulls, from a small registry the test serves on
// 127.0.0.1 (each blob held back a moment, so a pull takes a while). With
// `rollingUpdate.prePull`, turned on by `kubectl patch`, the engine has pulled the new image
// before any old container stops (read from the engine's own events); without it, the pull
// happens only once an old container has stopped. A pull that cannot succeed keeps every old
// pod running and says why in a Warning event on the DaemonSet.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { run, startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";
import { startMiniRegistry, type MiniRegistry } from "../helpers/mini-registry.js";
import { lines, ok } from "./kubectl-fixtures.js";

const NODES = ["ro-pp-0", "ro-pp-1", "ro-pp-2"];
const DS = "/apis/apps/v1/namespaces/default/daemonsets/pp";
const LOCAL = "everynode-prepull-local/web";

interface EngineEvent {
  Type: string;
  Action: string;
  id: string;
  timeNano: number;
  Actor: { Attributes: Record<string, string> };
}

/** The engine's image and container events from now until stopped. */
function recordEngineEvents(): { stop: () => Promise<EngineEvent[]> } {
  const child: ChildProcess = spawn(
    "docker",
    ["events", "--format", "{{json .}}", "--filter", "type=image", "--filter", "type=container"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  return {
    stop: async () => {
      // Events of the last moments reach the stream a little later.
      await new Promise((r) => setTimeout(r, 500));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      return out
        .split("\n")
        .filter((l) => l.trim().startsWith("{"))
        .map((l) => JSON.parse(l) as EngineEvent);
    },
  };
}

/** When each node's old container of the DaemonSet died and its new one started (ns). */
function replacements(events: EngineEvent[], oldImage: string, newImage: string) {
  const ofDs = events.filter(
    (e) => e.Type === "container" && e.Actor.Attributes["io.everynode.daemonset"] === "pp",
  );
  return NODES.map((node) => {
    const mine = ofDs.filter((e) => e.Actor.Attributes["io.everynode.node"] === node);
    const died = mine.find((e) => e.Action === "die" && e.Actor.Attributes.image === oldImage)?.timeNano;
    const started = mine.find((e) => e.Action === "start" && e.Actor.Attributes.image === newImage)?.timeNano;
    return { node, died, started };
  });
}

function pulledAt(events: EngineEvent[], image: string): number | undefined {
  return events.find((e) => e.Type === "image" && e.Action === "pull" && e.id === image)?.timeNano;
}

describe("rollouts with image pre-pull", () => {
  let cluster: Cluster;
  let registry: MiniRegistry;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-prepull-"));
  const image = (tag: string): string => `${registry.host}/everynode-prepull/web:${tag}`;
  const kubectl = (args: string[], version?: string) => cluster.kubectl(args, { version });
  const ds = async (): Promise<any> => (await cluster.api("GET", DS)).body;
  const prePull = (on: boolean, version?: string) =>
    kubectl(
      [
        "patch",
        "ds",
        "pp",
        "--type=merge",
        "-p",
        JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { prePull: on } } } }),
      ],
      version,
    );
  const rolledOut = async (): Promise<void> => {
    const out = lines(ok(await kubectl(["rollout", "status", "ds/pp", "--timeout=120s"])));
    expect(out.at(-1)).toBe('daemon set "pp" successfully rolled out');
  };
  const windowsMs = (r: ReturnType<typeof replacements>): number[] =>
    r.map((x) => Math.round(((x.started ?? 0) - (x.died ?? 0)) / 1e6));

  beforeAll(async () => {
    // Two new versions of the test image (only their config differs), served and then removed
    // from the engine, so that the rollouts must pull them.
    for (const tag of ["v2", "v3"]) {
      writeFileSync(
        path.join(dir, "Dockerfile"),
        `FROM ${TEST_IMAGE}\nLABEL everynode.test.prepull=${tag}\n`,
      );
      ok(
        await run("docker", ["build", "-q", "-t", `${LOCAL}:${tag}`, dir], { env: { DOCKER_BUILDKIT: "0" } }),
      );
    }
    registry = await startMiniRegistry(
      { "everynode-prepull/web:v2": `${LOCAL}:v2`, "everynode-prepull/web:v3": `${LOCAL}:v3` },
      { blobDelayMs: 1_500 },
    );
    ok(await run("docker", ["rmi", `${LOCAL}:v2`, `${LOCAL}:v3`]));
    cluster = await startCluster({
      serverNodeName: NODES[0],
      agents: NODES.slice(1).map((name) => ({ name })),
    });
    const manifest = webDaemonSet("pp", {
      readinessProbe: { exec: { command: ["true"] }, periodSeconds: 1 },
    });
    const created = await cluster.api("POST", "/apis/apps/v1/namespaces/default/daemonsets", manifest);
    expect(created.status, created.text).toBe(201);
    await rolledOut();
  });
  afterAll(async () => {
    await cluster?.stop();
    if (registry) {
      await run("docker", ["rmi", image("v2"), image("v3")]);
      await registry.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("with prePull (kubectl patch), the new image is on the node before its old container stops", async () => {
    ok(await prePull(true, "1.20"));
    expect(
      ok(await kubectl(["get", "ds", "pp", "-o", "jsonpath={.spec.updateStrategy.rollingUpdate.prePull}"])),
    ).toBe("true");
    const explain = ok(await kubectl(["explain", "daemonset.spec.updateStrategy.rollingUpdate.prePull"]));
    expect(explain).toMatch(/pulls the new revision's images/);
    const recorder = recordEngineEvents();
    ok(await kubectl(["set", "image", "ds/pp", `main=${image("v2")}`]));
    await rolledOut();
    const events = await recorder.stop();
    const pulled = pulledAt(events, image("v2"));
    expect(pulled, "the engine pulled the new image").toBeDefined();
    const r = replacements(events, TEST_IMAGE, image("v2"));
    for (const x of r) {
      expect(x.died, `${x.node}'s old container stopped`).toBeDefined();
      expect(x.started, `${x.node}'s new container started`).toBeDefined();
      expect(x.died as number).toBeGreaterThan(pulled as number);
    }
    console.log(`prePull: ms without a running pod per node: ${windowsMs(r).join(", ")}`);

    // Progress was visible on the DaemonSet, and the status counts the nodes.
    const described = ok(await kubectl(["describe", "ds", "pp"]));
    expect(described).toMatch(
      /Normal\s+Pulling\s+.*Pulling image ".*web:v2" on node ro-pp-\d ahead of the rollout/,
    );
    expect(described).toMatch(/Normal\s+Pulled\s+.*image ".*web:v2".* on node ro-pp-\d/);
    expect((await ds()).status.rollout).toMatchObject({ prePulledNodes: 0, prePullPendingNodes: 0 });
    // Nothing is due any more: every node's report of pre-pulled images is empty again.
    await waitFor("node images cleared", async () => {
      const nodes = (await cluster.api("GET", "/api/v1/nodes")).body.items as any[];
      return nodes.every((n) => !n.status.images);
    });
  });

  it("without prePull, the new image is pulled only after an old container stopped", async () => {
    ok(await prePull(false));
    const recorder = recordEngineEvents();
    ok(await kubectl(["set", "image", "ds/pp", `main=${image("v3")}`]));
    await rolledOut();
    const events = await recorder.stop();
    const pulled = pulledAt(events, image("v3"));
    const r = replacements(events, image("v2"), image("v3"));
    const firstDied = Math.min(...r.map((x) => x.died ?? Infinity));
    expect(pulled).toBeDefined();
    expect(pulled as number).toBeGreaterThan(firstDied);
    console.log(`no prePull: ms without a running pod per node: ${windowsMs(r).join(", ")}`);
  });

  it("a pre-pull that fails keeps every old pod and says why", async () => {
    ok(await prePull(true));
    const before = (await cluster.pods("default")).map((p) => p.metadata.uid).sort();
    ok(await kubectl(["set", "image", "ds/pp", `main=${image("missing")}`]));
    const stuck = await waitFor(
      "every node pending",
      async () => {
        const d = await ds();
        return d.status?.rollout?.prePullPendingNodes === 3 ? d : undefined;
      },
      60_000,
    );
    expect(stuck.status.rollout.updatedNodes).toBe(0);
    const warned = await waitFor("a PrePullFailed event", async () => {
      const described = ok(await kubectl(["describe", "ds", "pp"]));
      return /Warning\s+PrePullFailed/.test(described) ? described : undefined;
    });
    expect(warned).toMatch(
      /Failed to pre-pull image ".*web:missing" on node ro-pp-\d: .*the node keeps its old pod/,
    );
    expect((await cluster.pods("default")).map((p) => p.metadata.uid).sort()).toEqual(before);
    const described = ok(await cluster.everynode(["describe", "ds", "pp"]));
    expect(described).toMatch(/Pre-pull:\s+0 nodes ready, 3 pulling/);
    // Back to the image every node has: nothing left to replace.
    ok(await kubectl(["set", "image", "ds/pp", `main=${image("v3")}`]));
    await rolledOut();
    expect((await cluster.pods("default")).map((p) => p.metadata.uid).sort()).toEqual(before);
  });
});
