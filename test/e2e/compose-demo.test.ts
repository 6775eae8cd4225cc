// The docker-compose demo as a newcomer runs it, offline: build the base image without a
// registry, `docker-compose up -d --build`, the tutorial with kubectl against it, a worker
// stopped and started again, and a teardown that leaves nothing behind.

import { mkdtempSync, existsSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient, offlineBaseImage, REPO_ROOT, run, waitFor } from "../helpers/cluster.js";
import { runTutorial, writeTutorialManifest } from "../helpers/tutorial.js";

const PROJECT = "everynode-e2e";
const IMAGE = "everynode:local";

/** An image's ID, or "" when there is none. */
async function imageId(ref: string): Promise<string> {
  return (await run("docker", ["image", "inspect", "--format", "{{.Id}}", ref])).stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

describe("the docker-compose demo", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "everynode-compose-"));
  const client = new ClusterClient(dataDir);
  let env: Record<string, string> = {};
  /** The image the build took the tag from, dangling now: this test made it so. */
  let replaced = "";

  const compose = (args: string[], timeoutMs = 300_000) =>
    run("docker-compose", ["-p", PROJECT, ...args], { env, timeoutMs, cwd: REPO_ROOT });

  beforeAll(async () => {
    const baseImage = await offlineBaseImage();
    env = {
      EVERYNODE_BASE_IMAGE: baseImage,
      EVERYNODE_PORT: String(await freePort()),
      EVERYNODE_DATA_DIR: path.join(dataDir, "control-plane"),
    };
    const previous = await imageId(IMAGE);
    const up = await compose(["up", "-d", "--build"]);
    if (previous && previous !== (await imageId(IMAGE))) replaced = previous;
    expect(up.code, up.stderr).toBe(0);
    const kubeconfig = path.join(env.EVERYNODE_DATA_DIR as string, "kubeconfig.yaml");
    await waitFor("the demo's kubeconfig", () => existsSync(kubeconfig), 60_000);
    client.loadKubeconfig(kubeconfig);
    client.addNodeNames("master", "worker-1", "worker-2");
    expect(client.server).toBe(`https://127.0.0.1:${env.EVERYNODE_PORT}`);
    await client.waitForNodesReady(["master", "worker-1", "worker-2"], 90_000);
  }, 600_000);

  afterAll(async () => {
    try {
      const down = await run(path.join(REPO_ROOT, "scripts/demo-down.sh"), [], {
        env: { ...env, COMPOSE_PROJECT_NAME: PROJECT },
      });
      expect(down.code, down.stderr).toBe(0);
      const left = await run("docker", [
        "ps",
        "-a",
        "--filter",
        `label=com.docker.compose.project=${PROJECT}`,
        "-q",
      ]);
      expect(left.stdout.trim()).toBe("");
      const networks = await run("docker", ["network", "ls", "--filter", `name=${PROJECT}`, "-q"]);
      expect(networks.stdout.trim()).toBe("");
      expect(await client.containers()).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      // Not forced: an image another container still runs stays.
      if (replaced) await run("docker", ["rmi", replaced]);
    }
  }, 300_000);

  it("runs the tutorial with kubectl", async () => {
    await runTutorial(client, (args) => client.kubectl(args), dataDir);
  }, 300_000);

  it("prints the admin kubeconfig from inside the control-plane container", async () => {
    const printed = await compose(["exec", "-T", "control-plane", "everynode", "kubeconfig"], 60_000);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain("certificate-authority-data:");
    expect(printed.stdout).toContain(`token: ${client.adminToken}`);
  });

  it("gives each agent its own host name and address", async () => {
    const nodes = await client.nodes();
    const ips = nodes.map((n) => n.status.addresses.find((a: any) => a.type === "InternalIP")?.address);
    expect(new Set(ips).size).toBe(3);
  });

  it("keeps a stopped worker's containers and adopts them when it starts again", async () => {
    const manifest = writeTutorialManifest(dataDir, "toleration");
    expect((await client.kubectl(["apply", "-f", manifest])).code).toBe(0);
    await waitFor(
      "a container on worker-2",
      async () => (await client.containers("worker-2")).some((c) => c.state === "running"),
      60_000,
    );
    const before = (await client.containers("worker-2")).map((c) => c.id);

    expect((await compose(["stop", "worker-2"])).code).toBe(0);
    await waitFor(
      "worker-2 not Ready",
      async () => {
        const n = (await client.nodes()).find((x) => x.metadata.name === "worker-2");
        return n?.status?.conditions?.find((c: any) => c.type === "Ready")?.status !== "True";
      },
      90_000,
    );
    expect((await client.containers("worker-2")).map((c) => c.id)).toEqual(before);

    expect((await compose(["start", "worker-2"])).code).toBe(0);
    await client.waitForNodesReady(["worker-2"], 90_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await client.containers("worker-2")).map((c) => c.id)).toEqual(before);
    expect((await client.kubectl(["delete", "-f", manifest])).code).toBe(0);
  }, 300_000);
});
