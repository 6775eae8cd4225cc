// Private registries, end to end: a real registry with basic auth on loopback, a Secret made
// with `kubectl create secret docker-registry`, and DaemonSets on a real agent pulling from it
// with `imagePullSecrets` (the pod's own, or its ServiceAccount's as Kubernetes adds them when
// the pod is made). Without working credentials the pod waits in ErrImagePull /
// ImagePullBackOff and `kubectl describe` says why, naming a pull Secret that does not exist.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { run, startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { webDaemonSet } from "../helpers/manifests.js";
import { startRegistry, type Registry } from "../helpers/registry.js";

const NODE = "private-reg-1";
const USER = "everynode";
const PASSWORD = `pw-${process.pid}`;

describe("images from a private registry", () => {
  let cluster: Cluster;
  let registry: Registry;
  const podOf = async (app: string) =>
    (await cluster.pods("default")).find((p) => p.metadata.labels?.app === app);
  const apply = async (manifest: Record<string, unknown>) => {
    const r = await cluster.kubectl(["apply", "-f", "-"], { input: JSON.stringify(manifest) });
    expect(r.code, r.stderr).toBe(0);
  };
  const running = (app: string) =>
    waitFor(
      `${app} Running`,
      async () => {
        const p = await podOf(app);
        return p?.status?.phase === "Running" && p;
      },
      60_000,
    );
  const waiting = (app: string) =>
    waitFor(
      `${app} refused its image`,
      async () => {
        const p = await podOf(app);
        const w = p?.status?.containerStatuses?.[0]?.state?.waiting;
        return (w?.reason === "ErrImagePull" || w?.reason === "ImagePullBackOff") && { pod: p, waiting: w };
      },
      60_000,
    );

  beforeAll(async () => {
    registry = await startRegistry(USER, PASSWORD);
    cluster = await startCluster({ noServerAgent: true, agents: [{ name: NODE }] });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  it("pulls with the pod's imagePullSecrets made by kubectl create secret docker-registry", async () => {
    const image = await registry.push(TEST_IMAGE, "team/web:own");
    const created = await cluster.kubectl([
      "create",
      "secret",
      "docker-registry",
      "regcred",
      `--docker-server=${registry.address}`,
      `--docker-username=${USER}`,
      `--docker-password=${PASSWORD}`,
    ]);
    expect(created.code, created.stderr).toBe(0);
    await apply(webDaemonSet("private", { image }, { imagePullSecrets: [{ name: "regcred" }] }));
    const pod = await running("private");
    const id = pod.status.containerStatuses[0].containerID.replace("docker://", "");
    const inspected = await run("docker", ["inspect", "-f", "{{.Config.Image}}", id]);
    expect(inspected.stdout.trim()).toBe(image);
  });

  it("without working credentials, waits in ErrImagePull and describe says why", async () => {
    const image = await registry.push(TEST_IMAGE, "team/web:refused");
    await apply(webDaemonSet("anonymous", { image }, { imagePullSecrets: [{ name: "no-such-secret" }] }));
    const { waiting: w } = await waiting("anonymous");
    expect(w.message).toMatch(/no basic auth credentials|unauthorized/);
    expect(w.message).toContain('the image pull Secret "no-such-secret" does not exist');
    const described = await cluster.kubectl(["describe", "pod", "-l", "app=anonymous"]);
    expect(described.stdout).toMatch(/Warning\s+Failed\s+.*Failed to pull image/);
    // Creating the Secret it names lets the next try (on its back-off) succeed.
    const created = await cluster.kubectl([
      "create",
      "secret",
      "docker-registry",
      "no-such-secret",
      `--docker-server=${registry.address}`,
      `--docker-username=${USER}`,
      `--docker-password=${PASSWORD}`,
    ]);
    expect(created.code, created.stderr).toBe(0);
    await running("anonymous");
  }, 120_000);

  it("uses the ServiceAccount's imagePullSecrets for pods that name none", async () => {
    const image = await registry.push(TEST_IMAGE, "team/web:account");
    const patched = await cluster.kubectl([
      "patch",
      "serviceaccount",
      "default",
      "-p",
      JSON.stringify({ imagePullSecrets: [{ name: "regcred" }] }),
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    await apply(webDaemonSet("via-account", { image }));
    const pod = await running("via-account");
    expect(pod.spec.imagePullSecrets).toEqual([{ name: "regcred" }]);
  });
});
