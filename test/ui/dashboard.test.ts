// The web dashboard in a real browser (Debian's headless Chromium, playwright-core) against a
// real `everynode server`: log in with the admin token, watch the grid change when a node
// joins and when a pod crashes, pause, resume and roll back a rollout from the DaemonSet's
// page, read a pod's logs; the page is served under a strict Content-Security-Policy that refuses
// nothing the dashboard does, and no request URL ever carries the token. A screenshot of
// the grid is kept in .tmp/ui/.

import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, waitFor } from "../helpers/cluster.js";
import type { Pod } from "../../shared/api-types.js";
import { SCRIPTED_LOG_LINE } from "../helpers/scripted-agent.js";
import { ServerProcess } from "../helpers/server-process.js";
import { launchBrowser, openLogin, waitForShown, type Browser } from "./browser.js";
import { crashLooping, joinHost, runningReady, type Host } from "./fleet.js";

const NS = "ui";

function daemonSet(name: string, nodeSelector?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(nodeSelector ? { nodeSelector } : {}),
          containers: [{ name: "main", image: "everynode/web:test" }],
        },
      },
    },
  };
}

let server: ServerProcess;
let browser: Browser;
const hosts: Host[] = [];

beforeAll(async () => {
  server = await ServerProcess.start();
  hosts.push(await joinHost(server, "ui-a", { zone: "a" }));
  for (const [method, p, body] of [
    ["POST", "/api/v1/namespaces", { metadata: { name: NS } }],
    ["POST", `/apis/apps/v1/namespaces/${NS}/daemonsets`, daemonSet("web")],
    ["POST", `/apis/apps/v1/namespaces/${NS}/daemonsets`, daemonSet("gpu", { gpu: "yes" })],
  ] as const) {
    const r = await server.send(method, p, { body });
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${r.text}`);
  }
  await hosts[0]?.report((p) => p.metadata.labels?.app === "web", runningReady);
  browser = await launchBrowser(server.server);
});

afterAll(async () => {
  await browser?.close();
  for (const h of hosts) h.agent.stop();
  await server?.stop();
});

/** The state of the `ds` cell in the row of `node`, as the page shows it. */
function cell(node: string, ds: string) {
  return browser.page.locator(`.grid-row[data-node="${node}"] .cell[data-daemonset="${NS}/${ds}"]`);
}

/** Keeps a picture of the page in .tmp/ui/ (git ignores .tmp/) and prints where. */
async function screenshot(name: string): Promise<void> {
  const dir = path.join(REPO_ROOT, ".tmp/ui");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await browser.page.screenshot({ path: file, fullPage: true });
  console.log(`dashboard screenshot: ${file}`);
}

async function daemonSetPaused(): Promise<boolean> {
  const r = await server.send("GET", `/apis/apps/v1/namespaces/${NS}/daemonsets/web`);
  return r.json?.spec?.updateStrategy?.rollingUpdate?.paused === true;
}

describe("the dashboard", () => {
  it("is served with a strict Content-Security-Policy and asks for the token", async () => {
    const { page } = browser;
    const res = await openLogin(browser, new URL("/ui/", server.server).toString());
    expect(res?.status()).toBe(200);
    const headers = res?.headers() ?? {};
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    await expect(page.locator("#token").isVisible()).resolves.toBe(true);

    // A wrong token is refused and not kept.
    await page.fill("#token", "not-a-token");
    await page.click("button[type=submit]");
    await page.locator(".login .error", { hasText: "not accepted" }).waitFor();
  });

  it("logs in and shows the fleet: each pod's state, and why a node runs no pod", async () => {
    const { page } = browser;
    await page.fill("#token", server.adminToken);
    await page.click("button[type=submit]");
    await cell("ui-a", "web").and(page.locator('[data-state="ready"]')).waitFor();
    const gpu = cell("ui-a", "gpu");
    await expect(gpu.getAttribute("data-state")).resolves.toBe("ineligible");
    await expect(gpu.getAttribute("title")).resolves.toContain("node does not match the nodeSelector");
    await expect(page.locator("#grid-status").textContent()).resolves.toMatch(/live · 1 of 1 nodes/);
  });

  it("adds a row when a node joins, and turns a cell red when its pod crash-loops", async () => {
    const { page } = browser;
    hosts.push(await joinHost(server, "ui-b", { zone: "b", gpu: "yes" }));
    // The new node gets both DaemonSets' pods; its agent has not reported them yet.
    await cell("ui-b", "gpu").and(page.locator('[data-state="pending"]')).waitFor();
    await expect(page.locator("#grid-status").textContent()).resolves.toMatch(/of 2 nodes/);

    await hosts[0]?.report((p) => p.metadata.labels?.app === "web", crashLooping);
    const crashed = cell("ui-a", "web").and(page.locator('[data-state="crashloop"]'));
    await crashed.waitFor();
    await expect(crashed.getAttribute("title")).resolves.toContain("CrashLoopBackOff");
    await expect(
      page.locator('.head-cell[data-daemonset="ui/web"] .ds-problems').textContent(),
    ).resolves.toContain("1 crashloop");

    // The label filter, computed by the server: only zone=b.
    await page.fill("#label-selector", "zone=b");
    await page.click(".filters button[type=submit]");
    await page.locator('#grid-status:has-text("1 of 2 nodes")').waitFor();
    await expect(page.locator('.grid-row[data-node="ui-a"]').count()).resolves.toBe(0);
    await page.fill("#label-selector", "");
    await page.click(".filters button[type=submit]");
    await cell("ui-a", "web").waitFor();

    await cell("ui-a", "web").hover();
    await page.locator("#cell-detail", { hasText: "CrashLoopBackOff" }).waitFor();
    await screenshot("dashboard-grid.png");
  });

  it("pauses and resumes the rollout from the DaemonSet's page", async () => {
    const { page } = browser;
    await page.click('.head-cell[data-daemonset="ui/web"] a.ds-link');
    await page.locator("h1", { hasText: "web" }).waitFor();
    await page.locator("#pause:enabled").click();
    await waitFor("the DaemonSet to be paused", daemonSetPaused, 15_000);
    await page.locator("#paused-badge").waitFor();
    await page.locator("#ds-message", { hasText: "paused" }).waitFor();
    await page.locator("#resume:enabled").click();
    await waitFor("the DaemonSet to be resumed", async () => !(await daemonSetPaused()), 15_000);
    await page.locator("#paused-badge").waitFor({ state: "detached" });
    await page.locator("table.groups td", { hasText: "ui-a" }).first().waitFor();
    await screenshot("dashboard-daemonset.png");
  });

  it("rolls the DaemonSet back to its previous revision, as kubectl rollout undo does", async () => {
    const { page } = browser;
    const path = `/apis/apps/v1/namespaces/${NS}/daemonsets/web`;
    const image = async (): Promise<string> =>
      (await server.send("GET", path)).json?.spec?.template?.spec?.containers?.[0]?.image;
    const r = await server.send("PATCH", path, {
      body: { spec: { template: { spec: { containers: [{ name: "main", image: "everynode/web:v2" }] } } } },
      contentType: "application/strategic-merge-patch+json",
    });
    expect(r.status, r.text).toBe(200);
    // The page is live: the new revision appears in its history.
    await page.locator("table.revisions tbody tr").nth(1).waitFor();
    page.once("dialog", (d) => void d.accept());
    await page.click("#rollback");
    await page.locator("#ds-message", { hasText: "rolled back to revision 1" }).waitFor();
    await waitFor("the template to be back", async () => (await image()) === "everynode/web:test", 15_000);
  });

  it("streams a pod's logs from the node's page", async () => {
    const { page } = browser;
    // The rollback above replaced the node's pod: wait until only its successor is left, so
    // the link followed is not the one of a pod deleted meanwhile.
    const pod = await waitFor("one web pod left on ui-a", async () => {
      const r = await server.send("GET", `/api/v1/namespaces/${NS}/pods?fieldSelector=spec.nodeName%3Dui-a`);
      const web = ((r.json?.items ?? []) as Pod[]).filter((p) => p.metadata.labels?.app === "web");
      return web.length === 1 && !web[0]?.metadata.deletionTimestamp ? web[0]?.metadata.name : undefined;
    });
    await page.goto(new URL("/ui/#/node/ui-a", server.server).toString());
    await page.locator("#node-labels .chip", { hasText: "zone=a" }).waitFor();
    await page.locator("table.pods tr", { hasText: pod }).locator("a.log-link").click();
    await waitForShown(browser, `#logs:has-text("${SCRIPTED_LOG_LINE.trim()}")`);
    // Asked as `kubectl logs -f` asks, through the API's log endpoint (the agent answered once).
    expect(browser.requests.some((u) => /\/pods\/web-[a-z0-9]+\/log\?.*follow=true/.test(u))).toBe(true);
    await page.locator("#logs-status", { hasText: "the stream ended" }).waitFor();
    await screenshot("dashboard-logs.png");
  });

  it("never put the token in a URL, loaded nothing from elsewhere, and the CSP refused nothing", () => {
    const token = server.adminToken;
    const secret = token.split(".").pop() ?? token;
    expect(browser.requests.length).toBeGreaterThan(10);
    for (const url of browser.requests) {
      expect(url).not.toContain(token);
      expect(decodeURIComponent(url)).not.toContain(secret);
      expect(url.startsWith(server.server) || url.startsWith("data:")).toBe(true);
    }
    // The grid came from the server's aggregation, not from Pod lists.
    expect(browser.requests.some((u) => u.includes("/ui/api/grid"))).toBe(true);
    const refused = browser.console.filter((l) => /Content.Security.Policy|Trusted Type|Refused to/i.test(l));
    expect(refused).toEqual([]);
    expect(browser.console.filter((l) => l.startsWith("pageerror"))).toEqual([]);
  });
});
