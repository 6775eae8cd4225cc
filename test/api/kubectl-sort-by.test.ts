// `kubectl get ... --sort-by` with the real kubectl 1.30 to 1.33 and the dispatcher in
// /usr/bin: kubectl asks for Table rows with whole objects (includeObject=Object) and sorts
// them by the field; with metadata-only rows it would print "No resources found". Also
// `kubectl get -w`, whose watch events are one-row Tables.

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../shared/api-types.js";
import { waitFor } from "../helpers/cluster.js";
import { call, insecureKubeconfig, nodeObject, seedPod, startApi, type ApiHarness } from "./harness.js";
import { selfSignedCertificate } from "./self-signed.js";

const run = promisify(execFile);
const BINARIES = [
  ...["1.30", "1.31", "1.32", "1.33"].map((v) => `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`),
  "/usr/bin/kubectl",
];

/** An event whose last occurrence is `minutes` after the fake clock's start. */
function event(name: string, reason: string, minutes: number, now: number): KubeObject {
  const at = new Date(now + minutes * 60_000).toISOString();
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: "default" },
    involvedObject: { kind: "Pod", namespace: "default", name: "web-1", apiVersion: "v1" },
    reason,
    message: `${reason} happened`,
    type: "Normal",
    source: { component: "everynode-test" },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
  } as KubeObject;
}

describe.each(BINARIES)("%s", (binary) => {
  let h: ApiHarness;
  let dir: string;
  const argsFor = (args: string[]): string[] => [
    `--kubeconfig=${path.join(dir, "kubeconfig")}`,
    `--cache-dir=${path.join(dir, "cache")}`,
    ...args,
  ];
  const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir });

  async function kubectl(...args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await run(binary, argsFor(args), { env: env(), timeout: 60_000 });
      return stdout + stderr;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `kubectl ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`,
      );
    }
  }

  /** The first cell of each data row, in printed order. */
  const firstColumn = (out: string, header: RegExp): string[] => {
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(header);
    return lines.slice(1).map((l) => l.split(/\s+/)[0] ?? "");
  };

  beforeAll(async () => {
    h = await startApi({ tls: selfSignedCertificate() });
    dir = mkdtempSync(path.join(tmpdir(), "everynode-sort-by-"));
    writeFileSync(path.join(dir, "kubeconfig"), insecureKubeconfig(h.port));
    for (const name of ["node-a", "node-b", "node-c"])
      expect((await call(h, "POST", "/api/v1/nodes", { body: nodeObject(name) })).status).toBe(201);
    // Name order and node order differ, so that only a sort by node gives node order.
    seedPod(h.store, "web-1", "node-c");
    seedPod(h.store, "web-2", "node-a");
    seedPod(h.store, "web-3", "node-b");
    // Name order and time order differ too.
    const now = h.clock.now();
    h.store.create("events", event("ev-a", "Third", 30, now));
    h.store.create("events", event("ev-b", "First", 10, now));
    h.store.create("events", event("ev-c", "Second", 20, now));
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("get events --sort-by=.lastTimestamp prints the events oldest first", async () => {
    const out = await kubectl("get", "events", "--sort-by=.lastTimestamp");
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(lines.slice(1).map((l) => /Normal\s+(\w+)/.exec(l)?.[1])).toEqual(["First", "Second", "Third"]);
  });

  it("get pods --sort-by=.spec.nodeName prints the pods in node order", async () => {
    const out = await kubectl("get", "pods", "--sort-by=.spec.nodeName", "-o", "wide");
    expect(firstColumn(out, /^NAME\s+READY\s+STATUS/)).toEqual(["web-2", "web-3", "web-1"]);
    expect(out).toMatch(/web-2\s.*node-a/);
  });

  it("get pods -w prints a row for a pod that appears while it watches", async () => {
    const child = spawn(binary, argsFor(["get", "pods", "-w"]), { env: env() });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    try {
      await waitFor("the initial rows", () => out.includes("web-3"), 30_000, 50);
      seedPod(h.store, "late-1", "node-b");
      await waitFor("the watched row", () => /late-1\s+0\/1\s+Running/.test(out), 30_000, 50);
      expect(out.match(/^NAME\s+READY/gm)).toHaveLength(1);
    } finally {
      child.kill();
      h.store.delete("pods", "default", "late-1");
    }
  });
});
