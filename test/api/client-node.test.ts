// @kubernetes/client-node against everynode's API: typed calls, errors, patches, logs, a raw
// watch with bookmarks and an informer that lists, then watches from the list's revision.

import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  nodeObject,
  seedPod,
  startApi,
  TOKENS,
  tutorialDaemonSet,
  type ApiHarness,
} from "./harness.js";

let h: ApiHarness;
let kc: k8s.KubeConfig;
beforeAll(async () => {
  h = await startApi({ watchBookmarkIntervalMs: 1000 });
  expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject("node01") })).status).toBe(201);
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "everynode", server: h.url, skipTLSVerify: true }],
    users: [{ name: "admin", token: TOKENS.admin }],
    contexts: [{ name: "everynode", cluster: "everynode", user: "admin" }],
    currentContext: "everynode",
  });
});
afterAll(async () => {
  await h.close();
});

describe("@kubernetes/client-node", () => {
  it("lists, creates, reads, patches and deletes", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(["node01"]);
    expect(nodes.metadata?.resourceVersion).toBe(String(h.store.revision()));
    const created = await apps.createNamespacedDaemonSet({
      namespace: "default",
      body: tutorialDaemonSet("nginx") as k8s.V1DaemonSet,
    });
    expect(created.metadata?.generation).toBe(1);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.spec?.updateStrategy?.type).toBe("RollingUpdate");
    await expect(apps.readNamespacedDaemonSet({ name: "nope", namespace: "default" })).rejects.toMatchObject({
      code: 404,
    });
    const patched = await core.patchNode({
      name: "node01",
      body: [{ op: "add", path: "/metadata/labels/disk", value: "ssd" }],
    });
    expect(patched.metadata?.labels?.disk).toBe("ssd");
    seedPod(h.store, "nginx-abcde", "node01");
    const pods = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=nginx" });
    expect(pods.items.map((p) => p.metadata?.name)).toEqual(["nginx-abcde"]);
    const log = await core.readNamespacedPodLog({ name: "nginx-abcde", namespace: "default" });
    expect(log).toBe("nginx line 1\nnginx line 2\n");
    await apps.deleteNamespacedDaemonSet({ name: "nginx", namespace: "default" });
    expect(h.store.get("daemonsets", "default", "nginx")).toBeUndefined();
  });

  it("watches with bookmarks, line by line", async () => {
    const events: { type: string; name?: string; rv?: string }[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      "/apis/apps/v1/namespaces/default/daemonsets",
      { allowWatchBookmarks: true, resourceVersion: String(h.store.revision()) },
      (type, obj: k8s.KubernetesObject) =>
        events.push({ type, name: obj.metadata?.name, rv: obj.metadata?.resourceVersion }),
      () => {},
    );
    try {
      expect(
        (
          await call(h, "POST", "/apis/apps/v1/namespaces/default/daemonsets", {
            body: tutorialDaemonSet("w"),
          })
        ).status,
      ).toBe(201);
      await expect.poll(() => events.length).toBe(1);
      await h.clock.advance(1000);
      await expect.poll(() => events.length).toBe(2);
      expect(events).toEqual([
        { type: "ADDED", name: "w", rv: String(h.store.revision()) },
        { type: "BOOKMARK", name: undefined, rv: String(h.store.revision()) },
      ]);
    } finally {
      req.abort();
    }
  });

  it("keeps an informer's cache in step through list and watch", async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // The informer is also its cache (ListWatch), which the declared type leaves out.
    const informer = k8s.makeInformer(kc, "/api/v1/namespaces/default/pods", () =>
      core.listNamespacedPod({ namespace: "default" }),
    );
    const cache = informer as unknown as k8s.ObjectCache<k8s.V1Pod>;
    await informer.start();
    try {
      await expect.poll(() => cache.list().map((p) => p.metadata?.name)).toEqual(["nginx-abcde"]);
      seedPod(h.store, "nginx-fghij", "node01");
      await expect
        .poll(() =>
          cache
            .list()
            .map((p) => p.metadata?.name)
            .sort(),
        )
        .toEqual(["nginx-abcde", "nginx-fghij"]);
      h.store.delete("pods", "default", "nginx-abcde");
      await expect.poll(() => cache.list().map((p) => p.metadata?.name)).toEqual(["nginx-fghij"]);
    } finally {
      await informer.stop();
    }
  });
});
