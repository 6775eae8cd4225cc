// The attack campaign's findings as fixed examples, one test each, so that each stays fixed
// and a regression names itself. Registered inside the fuzz file's describe (same server).

import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { hello } from "../../agents/harness.js";
import type { Frame } from "./agent-messages.js";
import { validPodStatus } from "./agent-messages.js";
import { checkSession, playSession } from "./agent-session.js";
import { copyBomb } from "./http-requests.js";
import { hugeString } from "./hostile-values.js";
import { eventManifest, FUZZ_NODE, FUZZ_NS, FUZZ_WS_NODE, namespaceManifest } from "./manifests.js";
import type { FuzzTarget } from "./target.js";
import { HEADER_TIMEOUT_SECONDS, LOG_BUDGET_BYTES } from "./target.js";

/** The header timeout the fuzzed server is started with, plus a margin for a loaded machine. */
const SLOWLORIS_DEADLINE_MS = HEADER_TIMEOUT_SECONDS * 1000 + 5_000;

const MERGE = "application/merge-patch+json";
const json = (o: unknown): Frame => ({ binary: false, data: Buffer.from(JSON.stringify(o)), summary: "" });

export function campaignFindings(target: FuzzTarget): void {
  const send = (...a: Parameters<FuzzTarget["server"]["send"]>) => target.server.send(...a);
  const revision = async (): Promise<string> =>
    (await send("GET", "/api/v1/namespaces?limit=1")).json.metadata.resourceVersion;

  describe("the campaign's findings stay fixed", () => {
    it("prototype keys (__proto__, constructor, toString) are refused with a 4xx, not a 500", async () => {
      const answers: string[] = [];
      let i = 0;
      for (const key of ["__proto__", "constructor", "toString"]) {
        for (const where of ["top", "metadata", "labels", "spec"]) {
          const name = `proto-${(i += 1)}`;
          // Built as text: a JavaScript object literal cannot hold a "__proto__" key.
          const k = JSON.stringify(key);
          const inner = where === "labels" ? `"labels":{${k}:"x"},` : where === "metadata" ? `${k}:"x",` : "";
          const spec = where === "spec" ? `,"spec":{${k}:{"polluted":"yes"}}` : "";
          const top = where === "top" ? `,${k}:{"polluted":"yes"}` : "";
          const body = `{"apiVersion":"v1","kind":"Namespace","metadata":{${inner}"name":"${name}"}${spec}${top}}`;
          const r = await send("POST", "/api/v1/namespaces", { body });
          let outcome = `${key} in ${where}: ${r.status}`;
          if (r.status >= 200 && r.status < 300) {
            // Accepted (a valid label key, say): it must read back, and then it goes.
            const back = await send("GET", `/api/v1/namespaces/${name}`, {
              accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
            });
            outcome += ` (read back ${back.status})`;
            await send("DELETE", `/api/v1/namespaces/${name}`);
          }
          answers.push(outcome);
        }
      }
      expect(
        answers.filter((a) => /: (5\d\d|0)|read back [^2]/.test(a)),
        answers.join(", "),
      ).toEqual([]);
    });

    it("deeply nested bodies are refused with a 4xx, not a 500", async () => {
      const answers: string[] = [];
      const bad: string[] = [];
      for (const depth of [2_000, 100_000]) {
        for (const open of ["[", '{"a":']) {
          const close = open === "[" ? "]" : "}";
          const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
          const body = `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"deep"},"spec":${nested}}`;
          const r = await send("POST", "/api/v1/namespaces", { body });
          const p = await send("PATCH", `/api/v1/namespaces/${FUZZ_NS}`, {
            body: `{"metadata":{"annotations":{"a":${nested}}}}`,
            contentType: MERGE,
          });
          answers.push(`${open} x${depth}: create ${r.status}, patch ${p.status}`);
          if (r.status < 400 || r.status >= 500 || p.status < 400 || p.status >= 500)
            bad.push(answers.at(-1) ?? "");
        }
      }
      expect(bad, answers.join("; ")).toEqual([]);
      expect((await send("GET", "/api/v1/namespaces/deep")).status).toBe(404);
    });

    it("fields a merge patch adds that the schema does not know are not stored", async () => {
      const r = await send("PATCH", `/api/v1/namespaces/${FUZZ_NS}`, {
        body: { spec: { bogusField: "x" }, bogusTop: { a: 1 } },
        contentType: MERGE,
      });
      expect(r.status, r.text).toBeLessThan(500);
      const stored = (await send("GET", `/api/v1/namespaces/${FUZZ_NS}`)).json;
      expect(stored.spec?.bogusField).toBeUndefined();
      expect(stored.bogusTop).toBeUndefined();
    });

    it("YAML tags JSON cannot hold (!!binary, !!set, !!timestamp) are refused with a 4xx", async () => {
      const answers: string[] = [];
      const cases = [
        "name: !!binary aGVsbG8=",
        "name: yaml-1\n  labels: !!binary aGVsbG8=",
        "name: yaml-2\n  labels: {a: !!binary aGVsbG8=}",
        "name: yaml-3\n  annotations: {a: !!binary aGVsbG8=}",
        "name: yaml-4\n  labels: !!set {a, b}",
        "name: yaml-5\n  annotations: {a: !!timestamp 2001-12-14}",
        "name: yaml-6\nspec: {finalizers: !!binary aGVsbG8=}",
        "name: yaml-7\nspec: !!binary aGVsbG8=",
      ];
      for (const c of cases) {
        const yaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  ${c}\n`;
        const r = await send("POST", "/api/v1/namespaces", { body: yaml, contentType: "application/yaml" });
        answers.push(`${r.status} ${JSON.stringify(c)}`);
      }
      expect(
        answers.filter((a) => !a.startsWith("4")),
        answers.join("; "),
      ).toEqual([]);
    });

    it("a dry-run create of an existing name is a 409, as the real one would be", async () => {
      const r = await send("POST", "/api/v1/namespaces?dryRun=All", { body: namespaceManifest(FUZZ_NS) });
      expect(r.status, r.text).toBe(409);
    });

    it("a patch that changes nothing does not write (same resourceVersion)", async () => {
      const before = (await send("GET", `/api/v1/namespaces/${FUZZ_NS}`)).json.metadata.resourceVersion;
      const rev = await revision();
      for (const [body, type] of [
        [{}, MERGE],
        [{ metadata: { labels: {} } }, "application/strategic-merge-patch+json"],
        [[], "application/json-patch+json"],
      ] as const) {
        const r = await send("PATCH", `/api/v1/namespaces/${FUZZ_NS}`, { body, contentType: type });
        expect(r.status, r.text).toBe(200);
        expect(r.json.metadata.resourceVersion, type).toBe(before);
      }
      expect(await revision()).toBe(rev);
    });

    it("a watch with a huge timeoutSeconds is refused or stays open (no timer overflow)", async () => {
      const outcomes: string[] = [];
      for (const t of ["4294967296", "1e10", "9007199254740993"]) {
        const started = Date.now();
        const r = await send("GET", `/api/v1/namespaces?watch=true&timeoutSeconds=${t}`, {
          timeoutMs: 1_500,
        });
        const open = r.timedOut;
        outcomes.push(`${t}: ${open ? "open" : `${r.status} after ${Date.now() - started} ms`}`);
        expect(open || r.status === 400, outcomes.join("; ")).toBe(true);
      }
    });

    it("a node cannot record malformed events (validated like any object)", async () => {
      const bad = {
        ...(eventManifest("node-bad-event", FUZZ_NODE) as Record<string, unknown>),
        type: "Bogus",
        count: "many",
        reason: "",
        message: hugeString(1024 * 1024),
        firstTimestamp: "yesterday",
      };
      const r = await send("POST", `/api/v1/namespaces/${FUZZ_NS}/events`, { token: target.node, body: bad });
      expect(r.status, r.text.slice(0, 300)).toBe(422);
      expect((await send("GET", `/api/v1/namespaces/${FUZZ_NS}/events/node-bad-event`)).status).toBe(404);
    });

    it("a hello with addresses [null] is refused and `kubectl get nodes` keeps working", async () => {
      const bad = hello(FUZZ_WS_NODE) as any;
      bad.node.addresses = [null];
      const code = await playSession(target, [json(bad)]);
      expect(code, "the socket is closed with a protocol error").toBe(4000);
      await checkSession(target, [json({ v: 1, type: "heartbeat" })]);
    });

    it("a pod status is validated before it is written", async () => {
      const good = hello(FUZZ_WS_NODE);
      const status = { ...(validPodStatus() as Record<string, unknown>), phase: 42, containerStatuses: "x" };
      const report = {
        v: 1,
        type: "podStatus",
        seq: 1,
        statuses: [{ namespace: FUZZ_NS, name: target.wsPod.name, uid: target.wsPod.uid, status }],
      };
      // A bad status inside a good entry is refused (acked as refused), never stored.
      await playSession(target, [json(good), json(report)], 500);
      await new Promise((r) => setTimeout(r, 200));
      const pod = await send("GET", `/api/v1/namespaces/${FUZZ_NS}/pods/${target.wsPod.name}`);
      expect(pod.status).toBe(200);
      expect(pod.json.status?.phase).not.toBe(42);
      expect(typeof (pod.json.status?.containerStatuses ?? [])).toBe("object");
      await checkSession(target, [json(good)]);
    });

    it("an agent message over the size limit closes the socket and is not logged", async () => {
      // TODO(limits): today's cap is 16 MiB; a hello of 15 MiB must be over the new one.
      const big = hello(FUZZ_WS_NODE) as any;
      big.node.nodeInfo.osImage = hugeString(15 * 1024 * 1024);
      const logBefore = target.server.logBytes;
      const code = await playSession(target, [json(big)], 1_000);
      expect(code).toBe(1009);
      expect(target.server.logBytes - logBefore).toBeLessThan(LOG_BUDGET_BYTES);
    });

    it("a flood of bad agent messages does not fill the server's log", async () => {
      const frames: Frame[] = Array.from({ length: 50 }, (_, i) => ({
        binary: false,
        data: Buffer.from(
          JSON.stringify({ v: 1, type: "logData", requestId: `r${i}`, data: hugeString(64 * 1024) }),
        ),
        summary: "",
      }));
      const logBefore = target.server.logBytes;
      await playSession(target, [json(hello(FUZZ_WS_NODE)), ...frames], 500);
      expect(target.server.logBytes - logBefore).toBeLessThan(LOG_BUDGET_BYTES);
    });

    it("a connection that never finishes its headers is closed (slowloris)", async () => {
      const url = new URL(target.server.server);
      const sockets = Array.from({ length: 20 }, () =>
        tls.connect({ host: url.hostname, port: Number(url.port), ca: target.server.caPem }),
      );
      const closed = sockets.map(
        (s) =>
          new Promise<number>((resolve) => {
            const started = Date.now();
            s.once("secureConnect", () => s.write("GET /version HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            s.on("error", () => undefined);
            // Read what comes (the 408): a paused socket never sees the server's close.
            s.resume();
            s.once("close", () => resolve(Date.now() - started));
          }),
      );
      // Meanwhile everyone else is served.
      expect((await send("GET", "/version")).status).toBe(200);
      const deadline = new Promise<number>((r) => setTimeout(() => r(-1), SLOWLORIS_DEADLINE_MS));
      const first = await Promise.race([Promise.all(closed).then((t) => Math.max(...t)), deadline]);
      for (const s of sockets) s.destroy();
      expect(first, `connections still open after ${SLOWLORIS_DEADLINE_MS} ms`).toBeGreaterThan(0);
    }, 30_000);

    it("a JSON-patch copy bomb is refused quickly and the server lives", async () => {
      const body = JSON.stringify(copyBomb(30, 1024));
      const started = Date.now();
      const r = await send("PATCH", `/api/v1/nodes/${FUZZ_NODE}`, {
        body,
        contentType: "application/json-patch+json",
        timeoutMs: 20_000,
      });
      expect(
        r.status,
        `${r.error ?? r.text.slice(0, 200)} after ${Date.now() - started} ms`,
      ).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(target.server.alive).toBe(true);
    }, 40_000);
  });
}
