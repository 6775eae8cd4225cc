// Watches over real HTTP: headers at once, replay from a resourceVersion, filtering, 410 after
// a restart, bookmarks, timeouts, Table events and clean-up.

import { afterEach, describe, expect, it } from "vitest";
import { call, startApi, tutorialDaemonSet, type ApiHarness } from "./harness.js";
import { stream, type LineStream } from "./line-stream.js";

const DS = "/apis/apps/v1/namespaces/default/daemonsets";

type Any = any;
const parse = (lines: string[]): Any[] => lines.map((l) => JSON.parse(l));

let h: ApiHarness | undefined;
const streams: LineStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await h?.close();
  h = undefined;
});

function watch(api: ApiHarness, path: string, accept?: string): LineStream {
  const s = stream(api, path, undefined, accept);
  streams.push(s);
  return s;
}

async function label(api: ApiHarness, name: string, labels: Record<string, string>): Promise<Any> {
  const r = await call(api, "PATCH", `${DS}/${name}`, {
    body: { metadata: { labels } },
    contentType: "application/merge-patch+json",
  });
  expect(r.status).toBe(200);
  return r.json;
}

describe("watch", () => {
  it("sends 200 and the headers before any event", async () => {
    h = await startApi();
    const s = watch(
      h,
      `${DS}?watch=true&fieldSelector=metadata.name%3Dnginx&resourceVersion=${h.store.revision()}&allowWatchBookmarks=true&timeoutSeconds=300`,
    );
    expect(await s.status).toBe(200);
    expect((await s.headers)["content-type"]).toBe("application/json");
    expect((await s.headers)["transfer-encoding"]).toBe("chunked");
    expect(s.lines).toEqual([]);
  });

  it("replays the changes after resourceVersion, then streams live ones", async () => {
    h = await startApi();
    const created = (await call(h, "POST", DS, { body: tutorialDaemonSet("nginx") })).json;
    const rv = created.metadata.resourceVersion;
    await label(h, "nginx", { step: "1" });
    await label(h, "nginx", { step: "2" });
    const s = watch(h, `${DS}?watch=1&resourceVersion=${rv}`);
    const replayed = parse(await s.waitFor(2));
    expect(replayed.map((e) => [e.type, e.object.metadata.labels.step])).toEqual([
      ["MODIFIED", "1"],
      ["MODIFIED", "2"],
    ]);
    await label(h, "nginx", { step: "3" });
    expect((await call(h, "DELETE", `${DS}/nginx`)).status).toBe(200);
    const all = parse(await s.waitFor(4));
    expect(all.slice(2).map((e) => e.type)).toEqual(["MODIFIED", "DELETED"]);
    expect(all[3].object).toMatchObject({
      kind: "DaemonSet",
      apiVersion: "apps/v1",
      metadata: { name: "nginx" },
    });
    expect(Number(all[3].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(all[2].object.metadata.resourceVersion),
    );
  });

  it("starts with ADDED for every current match without a resourceVersion", async () => {
    h = await startApi();
    for (const n of ["a", "b"])
      expect((await call(h, "POST", DS, { body: tutorialDaemonSet(n) })).status).toBe(201);
    expect(
      (
        await call(h, "POST", "/apis/apps/v1/namespaces/kube-system/daemonsets", {
          body: tutorialDaemonSet("c"),
        })
      ).status,
    ).toBe(201);
    const s = watch(h, `${DS}?watch=true&resourceVersion=0`);
    const first = parse(await s.waitFor(2));
    expect(first.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ["ADDED", "a"],
      ["ADDED", "b"],
    ]);
    expect((await call(h, "POST", DS, { body: tutorialDaemonSet("d") })).status).toBe(201);
    expect(parse(await s.waitFor(3))[2]).toMatchObject({
      type: "ADDED",
      object: { metadata: { name: "d" } },
    });
  });

  it("turns objects leaving or entering a label selector into DELETED and ADDED", async () => {
    h = await startApi();
    expect((await call(h, "POST", DS, { body: tutorialDaemonSet("x") })).status).toBe(201);
    const s = watch(h, `${DS}?watch=true&labelSelector=tier%3Dweb&resourceVersion=${h.store.revision()}`);
    await s.status;
    await label(h, "x", { tier: "web" });
    await label(h, "x", { tier: "web", more: "1" });
    await label(h, "x", { tier: "db" });
    await label(h, "x", { tier: "db", again: "1" });
    const events = parse(await s.waitFor(3));
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
  });

  it("sends one ERROR 410 Expired line for a revision from before a restart", async () => {
    h = await startApi();
    const created = (await call(h, "POST", DS, { body: tutorialDaemonSet("old") })).json;
    await label(h, "old", { v: "2" });
    const dbPath = h.dbPath;
    await h.stop();
    h = await startApi({ dbPath });
    const s = watch(h, `${DS}?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    expect(await s.status).toBe(200);
    await s.ended;
    const events = parse(s.lines);
    expect(events).toEqual([
      {
        type: "ERROR",
        object: expect.objectContaining({ kind: "Status", status: "Failure", reason: "Expired", code: 410 }),
      },
    ]);
    // A watch from the current revision still works after the restart.
    const fresh = watch(h, `${DS}?watch=true&resourceVersion=${h.store.revision()}`);
    await fresh.status;
    await label(h, "old", { v: "3" });
    expect(parse(await fresh.waitFor(1))[0].type).toBe("MODIFIED");
  });

  it("sends BOOKMARKs with the current revision when allowed, and stops them on close", async () => {
    h = await startApi({ watchBookmarkIntervalMs: 1000 });
    const s = watch(h, `${DS}?watch=true&allowWatchBookmarks=true&resourceVersion=${h.store.revision()}`);
    await s.status;
    expect((await call(h, "POST", DS, { body: tutorialDaemonSet("bm") })).status).toBe(201);
    await s.waitFor(1);
    await h.clock.advance(1000);
    const [, bookmark] = parse(await s.waitFor(2));
    expect(bookmark).toEqual({
      type: "BOOKMARK",
      object: {
        kind: "DaemonSet",
        apiVersion: "apps/v1",
        metadata: { resourceVersion: String(h.store.revision()) },
      },
    });
    expect(h.clock.pendingTimers).toBe(1);
    s.close();
    await expect.poll(() => h?.clock.pendingTimers).toBe(0);
  });

  it("sends no BOOKMARK unless allowed", async () => {
    h = await startApi({ watchBookmarkIntervalMs: 1000 });
    const s = watch(h, `${DS}?watch=true`);
    await s.status;
    await h.clock.advance(5000);
    expect((await call(h, "POST", DS, { body: tutorialDaemonSet("nb") })).status).toBe(201);
    expect(parse(await s.waitFor(1)).map((e) => e.type)).toEqual(["ADDED"]);
  });

  it("ends the stream after timeoutSeconds", async () => {
    h = await startApi();
    const s = watch(h, `${DS}?watch=true&timeoutSeconds=30`);
    await s.status;
    await h.clock.advance(29_000);
    let ended = false;
    void s.ended.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    await h.clock.advance(1_000);
    await s.ended;
  });

  it("sends a one-row Table per event to kubectl get -w", async () => {
    h = await startApi();
    expect((await call(h, "POST", DS, { body: tutorialDaemonSet("t") })).status).toBe(201);
    const s = watch(
      h,
      `${DS}?watch=true&resourceVersion=0`,
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
    );
    const [event] = parse(await s.waitFor(1));
    expect(event.type).toBe("ADDED");
    expect(event.object.kind).toBe("Table");
    expect(event.object.rows).toHaveLength(1);
    expect(event.object.rows[0].cells[0]).toBe("t");
  });

  it("answers a bad resourceVersion with a 400 before streaming", async () => {
    h = await startApi();
    const r = await call(h, "GET", `${DS}?watch=true&resourceVersion=abc`);
    expect(r.status).toBe(400);
  });
});
