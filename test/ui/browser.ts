// Debian's Chromium, headless, driven by playwright-core: a fresh profile in the test's temp
// dir, the server's certificate pinned by its public key (not every certificate error
// ignored), and a record of every request the page made and every console message, so a
// test can check that no URL carried the token and that the CSP refused nothing.

import { X509Certificate, createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { chromium, type BrowserContext, type Page, type Response } from "playwright-core";

export const CHROMIUM = process.env.EVERYNODE_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  page: Page;
  context: BrowserContext;
  /** Every URL the page requested. */
  requests: string[];
  /** Every console message and page error, as text. */
  console: string[];
  /** Every request that failed or was answered with an error status, with why. */
  failures: string[];
  close(): Promise<void>;
}

/** The base64 SHA-256 of the server certificate's public key, as Chromium's SPKI list wants it. */
export async function serverSpki(url: string): Promise<string> {
  const u = new URL(url);
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert.raw);
    });
    socket.on("error", reject);
  });
  const spki = new X509Certificate(raw).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

export async function launchBrowser(serverUrl: string): Promise<Browser> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-ui-browser-"));
  const spki = await serverSpki(serverUrl);
  const context = await chromium.launchPersistentContext(path.join(dir, "profile"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, `--ignore-certificate-errors-spki-list=${spki}`],
    viewport: { width: 1400, height: 900 },
    // Chromium's own temp files go to the test's dir, not the run's.
    env: { ...process.env, TMPDIR: dir },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const consoleLines: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  const failures: string[] = [];
  page.on("requestfailed", (r) => failures.push(`${r.url()}: ${r.failure()?.errorText ?? "failed"}`));
  page.on("response", (r) => {
    if (r.status() >= 400) failures.push(`${r.url()}: ${r.status()}`);
  });
  page.on("crash", () => failures.push("the page crashed"));
  return {
    page,
    context,
    requests,
    console: consoleLines,
    failures,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the page logged, which requests failed and what it shows: why a wait came to nothing. */
export async function pageReport(browser: Browser): Promise<string> {
  const body = await browser.page
    .content()
    .then((html) => html.slice(0, 2000))
    .catch((e: unknown) => `(unreadable: ${String(e)})`);
  return [
    `requests: ${browser.requests.slice(-30).join(", ") || "none"}`,
    `failed: ${browser.failures.join(", ") || "none"}`,
    `console: ${browser.console.join(" | ") || "nothing"}`,
    `page: ${body}`,
  ].join("\n");
}

/**
 * Waits for `selector` to be visible; when it does not come, fails with what the page showed
 * instead (its requests, failures, console and markup), as a user would look.
 */
export async function waitForShown(browser: Browser, selector: string, timeout = 30_000): Promise<void> {
  try {
    await browser.page.locator(selector).waitFor({ timeout });
  } catch (err) {
    throw new Error(
      `${selector} did not show within ${timeout} ms (${(err as Error).message.split("\n")[0]})\n${await pageReport(browser)}`,
    );
  }
}

/**
 * Opens the dashboard at `url` and waits for its login form. A user whose page came up
 * blank reloads it, and so does this, once, after printing why (twice in ~20 CI runs a fresh
 * Chromium showed no form, with no trace of why); a second blank page fails with the report.
 */
export async function openLogin(browser: Browser, url: string, timeout = 15_000): Promise<Response | null> {
  let res = await browser.page.goto(url);
  for (let attempt = 1; ; attempt++) {
    try {
      await browser.page.locator("#token").waitFor({ timeout });
      return res;
    } catch (err) {
      const why = `the dashboard's login form did not appear within ${timeout} ms (page answered ${res?.status() ?? "nothing"}; ${(err as Error).message.split("\n")[0]})\n${await pageReport(browser)}`;
      if (attempt === 2) throw new Error(why);
      console.warn(`${why}\nreloading once`);
      res = await browser.page.goto(url);
    }
  }
}
