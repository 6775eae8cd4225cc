// The dashboard at 10,000 nodes × 5 DaemonSets in a real browser: the control plane's API and
// dashboard in this process over real HTTPS and a real SQLite file, the fleet written straight
// into the store (no agents: this is about the page, not the hosts). Logs how long the first
// full grid takes to show, how soon one changed pod and a burst of 1,000 reach the screen;
// asserts what a user would see: every node there, the last one reachable by scrolling, the
// changes arriving, and only a screenful of rows in the page (the grid is virtualised).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonSet, Node, Pod } from "../../shared/api-types.js";
import { systemClock } from "../../shared/clock.js";
import { silentLogger } from "../../shared/logger.js";
import { buildApiApp } from "../../control-plane/api/app.js";
import { ensurePki } from "../../control-plane/auth/pki.js";
import { TokenService } from "../../control-plane/auth/tokens.js";
import { daemonPod, daemonSet } from "../../control-plane/controller/test-builders.js";
import { EventRecorder } from "../../control-plane/events/event-recorder.js";
import { openStore } from "../../control-plane/store/index.js";
import type { Store } from "../../control-plane/store/store.js";
import { createDashboardRouter } from "../../control-plane/ui/dashboard-router.js";
import { REPO_ROOT } from "../helpers/cluster.js";
import { launchBrowser, openLogin, waitForShown, type Browser } from "./browser.js";

const NODES = 10_000;
const DAEMONSETS = 5;
const name = (i: number): string => `node-${String(i).padStart(5, "0")}`;

let dir: string;
let store: Store;
let server: https.Server;
let url: string;
let adminToken: string;
let browser: Browser;

function crashLoop(pod: Pod): Pod {
  const p = structuredClone(pod) as Pod;
  p.status = {
    phase: "Running",
    conditions: [{ type: "Ready", status: "False" }],
    containerStatuses: [
      {
        name: "web",
        state: { waiting: { reason: "CrashLoopBackOff" } },
        lastState: {},
        ready: false,
        restartCount: 3,
        image: "everynode/web:test",
        imageID: "",
      },
    ],
  };
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "everynode-ui-scale-"));
  store = openStore({ path: path.join(dir, "everynode.db"), clock: systemClock });
  const tokens = new TokenService({ store, clock: systemClock });
  adminToken = tokens.ensureAdminToken();
  const pki = await ensurePki(dir, { sans: [], clock: systemClock });
  store.transaction((tx) => {
    for (let d = 0; d < DAEMONSETS; d++) {
      // ds-4 runs only on even racks: half the fleet shows why it is not there.
      const selector = d === 4 ? { nodeSelector: { even: "yes" } } : {};
      tx.create("daemonsets", daemonSet(selector, { name: `ds-${d}`, uid: `uid-${d}` }));
    }
    for (let i = 0; i < NODES; i++) {
      const node: Node = {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: name(i), labels: { rack: `r${i % 50}`, ...(i % 2 === 0 ? { even: "yes" } : {}) } },
        spec: {},
        status: { conditions: [{ type: "Ready", status: "True" }] },
      };
      tx.create("nodes", node);
      for (let d = 0; d < DAEMONSETS; d++) {
        if (d === 4 && i % 2 === 1) continue;
        const pod = daemonPod(`ds-${d}-${name(i)}`, name(i), { ownerUid: `uid-${d}`, hash: "h1" });
        delete pod.metadata.uid;
        tx.create("pods", pod);
      }
    }
  });
  const app = buildApiApp({
    store,
    clock: systemClock,
    logger: silentLogger,
    events: new EventRecorder({ store, clock: systemClock, ttlMs: 3_600_000 }),
    authenticator: tokens,
    logs: { stream: () => Promise.reject(new Error("no agents here")) },
    routers: [
      createDashboardRouter({ store, clock: systemClock, logger: silentLogger, authenticator: tokens }),
    ],
  });
  server = https.createServer({ cert: pki.certPem, key: pki.keyPem }, app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser(url);
  mkdirSync(path.join(REPO_ROOT, ".tmp/ui"), { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`the dashboard at ${NODES} nodes × ${DAEMONSETS} DaemonSets`, () => {
  it("shows the whole fleet, virtualised, and live", async () => {
    const { page } = browser;
    const report: Record<string, number> = {};
    await openLogin(browser, `${url}/ui/`);
    await page.fill("#token", adminToken);
    let t0 = Date.now();
    await page.click("button[type=submit]");
    await waitForShown(browser, `#grid-status:has-text("live · ${NODES} of ${NODES} nodes")`, 60_000);
    report.loginToFullGridMs = Date.now() - t0;

    // Only what is in view (and a little around it) is in the page.
    const rowsInPage = await page.locator(".grid-row").count();
    expect(rowsInPage).toBeLessThan(100);
    report.rowElementsInPage = rowsInPage;
    // Why ds-4 is not on odd nodes, from the placement decision.
    const absent = page.locator('.grid-row[data-node="node-00001"] .cell[data-daemonset="default/ds-4"]');
    await expect(absent.getAttribute("title")).resolves.toContain("node does not match the nodeSelector");

    // The last node is a scroll away.
    t0 = Date.now();
    await page.locator("#grid").evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`.grid-row[data-node="${name(NODES - 1)}"]`).waitFor();
    report.scrollToLastNodeMs = Date.now() - t0;

    // One pod crash-loops: its cell turns red.
    await page.locator("#grid").evaluate((el, top) => (el.scrollTop = top), 5000 * 26 - 100);
    const cell = page.locator('.grid-row[data-node="node-05000"] .cell[data-daemonset="default/ds-2"]');
    await cell.waitFor();
    t0 = Date.now();
    store.update("pods", crashLoop(store.get<Pod>("pods", "default", "ds-2-node-05000") as Pod));
    await cell.and(page.locator('[data-state="crashloop"]')).waitFor();
    report.onePodToScreenMs = Date.now() - t0;

    // 1,000 pods at once (a bad node image, say): the column's count says so.
    t0 = Date.now();
    store.transaction((tx) => {
      for (let i = 0; i < 1000; i++) {
        const pod = tx.get<Pod>("pods", "default", `ds-1-${name(i * 10)}`) as Pod;
        tx.update("pods", crashLoop(pod));
      }
    });
    await page
      .locator('.head-cell[data-daemonset="default/ds-1"] .ds-problems', { hasText: "1000 crashloop" })
      .waitFor({ timeout: 30_000 });
    report.thousandPodsToScreenMs = Date.now() - t0;

    // A new template of ds-0: all 10,000 of its cells turn "old revision".
    t0 = Date.now();
    const ds = structuredClone(store.get<DaemonSet>("daemonsets", "default", "ds-0")) as DaemonSet;
    ds.spec.template.metadata = { ...ds.spec.template.metadata, annotations: { v: "2" } };
    ds.metadata.generation = 2;
    ds.status = {
      currentNumberScheduled: NODES,
      numberMisscheduled: 0,
      desiredNumberScheduled: NODES,
      numberReady: NODES,
      rollout: {
        updateRevision: 2,
        updateHash: "h2",
        updatedNodes: 0,
        oldNodes: NODES,
        heldBackNodes: 0,
        updatedAvailableNodes: 0,
      },
    };
    store.update("daemonsets", ds);
    await page
      .locator('.head-cell[data-daemonset="default/ds-0"] .ds-problems', { hasText: `${NODES} old rev` })
      .waitFor({ timeout: 30_000 });
    report.wholeColumnToScreenMs = Date.now() - t0;

    await page.locator("#grid").evaluate((el) => (el.scrollTop = 0));
    await page.locator('.grid-row[data-node="node-00000"]').waitFor();
    await page.screenshot({ path: path.join(REPO_ROOT, ".tmp/ui/dashboard-10000-nodes.png") });
    console.log(`dashboard screenshot: ${path.join(REPO_ROOT, ".tmp/ui/dashboard-10000-nodes.png")}`);

    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    report.pageHeapMiB = Math.round(heap / 1024 / 1024);
    console.log(
      `dashboard at ${NODES} nodes × ${DAEMONSETS} DaemonSets, in Chromium:\n${JSON.stringify(report, null, 2)}`,
    );
  }, 120_000);
});
