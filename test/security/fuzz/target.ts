// The server under fuzz and the checks every fuzzed request goes through: an answer below
// 500, a refused request (or a dry run) that leaves the store as it was, an accepted write
// that stores only well-formed objects, log output that does not grow with the input, and
// the server's event loop, measured by its own probe, never blocked for long.

import fc from "fast-check";
import type { KubeObject } from "../../../shared/api-types.js";
import { resourceForKind, REGISTRY, unknownFieldsOf } from "../../../control-plane/kube/index.js";
import { waitFor } from "../../helpers/cluster.js";
import type { ScriptedAgent } from "../../helpers/scripted-agent.js";
import { connectScriptedAgent } from "../../helpers/scripted-agent.js";
import type { Answer } from "../../helpers/server-process.js";
import { ServerProcess } from "../../helpers/server-process.js";
import { StoreBaseline } from "../matrix/fingerprint.js";
import type { FuzzRequest, Targets } from "./http-requests.js";
import type { WsPod } from "./agent-messages.js";
import {
  daemonSetManifest,
  eventManifest,
  FUZZ_DS,
  FUZZ_EVENT,
  FUZZ_NODE,
  FUZZ_NS,
  FUZZ_WS_NODE,
} from "./manifests.js";
import { nodeProblems, podProblems } from "./well-formed.js";

/** The header deadline the fuzzed server is started with (slowloris). */
export const HEADER_TIMEOUT_SECONDS = 3;

/** A request may block the server's event loop this long (ms); GC pauses are not counted. */
export const STALL_BUDGET_MS = Number(process.env.FUZZ_STALL_MS ?? 100);
/** Log bytes one request or agent session may cause. TODO(limits): align with the log caps. */
export const LOG_BUDGET_BYTES = 32 * 1024;

export interface Measurement {
  summary: string;
  blockedMs: number;
  maxDelayMs: number;
  cpuMs: number;
  gcMaxMs: number;
}

/** Makes fast-check print a request by its summary, not its (possibly megabytes of) body. */
export function printable<T extends { summary: string }>(r: T): T {
  return Object.assign(r, { [fc.toStringMethod]: () => r.summary });
}

export class FuzzTarget {
  server!: ServerProcess;
  node = "";
  wsNode = "";
  targets: Targets = { pod: "" };
  wsPod: WsPod = { name: "", uid: "" };
  readonly measurements: Measurement[] = [];
  /** Why the server had to be started again (it died). */
  readonly deaths: string[] = [];
  heapAtStartMb = 0;
  private agent: ScriptedAgent | undefined;
  private baseline!: StoreBaseline;
  private dirty = true;

  async start(): Promise<void> {
    // Long grace periods: no node turns NotReady on its own while the fuzz compares stores.
    this.server = await ServerProcess.start({
      maxOldSpaceMb: 768,
      // Short header deadline: the slowloris check waits for it.
      args: [
        "--node-monitor-grace-period",
        "24h",
        "--node-startup-grace-period",
        "24h",
        "--header-timeout",
        `${HEADER_TIMEOUT_SECONDS}s`,
      ],
    });
    const s = this.server;
    this.node = await s.register(FUZZ_NODE, { labels: { "kubernetes.io/os": "linux" } });
    this.wsNode = await s.register(FUZZ_WS_NODE, { labels: { "kubernetes.io/os": "linux" } });
    this.agent = await connectScriptedAgent(s.server, s.caPem, FUZZ_NODE, this.node);
    // The fuzzed sessions speak for the second node; its first hello makes it Ready.
    const first = await connectScriptedAgent(s.server, s.caPem, FUZZ_WS_NODE, this.wsNode);
    const ok = async (path: string, body: unknown): Promise<void> => {
      const r = await s.send("POST", path, { body });
      if (r.status !== 201) throw new Error(`fixture: POST ${path} answered ${r.status} ${r.text}`);
    };
    await ok("/api/v1/namespaces", { metadata: { name: FUZZ_NS } });
    await ok(`/apis/apps/v1/namespaces/${FUZZ_NS}/daemonsets`, daemonSetManifest(FUZZ_DS));
    await ok(`/api/v1/namespaces/${FUZZ_NS}/events`, eventManifest(FUZZ_EVENT, FUZZ_NODE));
    const pods = await waitFor("the fuzz DaemonSet's pods on both nodes", async () => {
      const r = await s.send("GET", `/api/v1/namespaces/${FUZZ_NS}/pods`);
      const items = (r.json?.items ?? []) as any[];
      const a = items.find((p) => p.spec.nodeName === FUZZ_NODE);
      const w = items.find((p) => p.spec.nodeName === FUZZ_WS_NODE);
      return a && w ? { a, w } : undefined;
    });
    first.stop();
    this.targets.pod = pods.a.metadata.name;
    this.wsPod = { name: pods.w.metadata.name, uid: pods.w.metadata.uid };
    this.baseline = new StoreBaseline(s);
    this.dirty = true;
    this.heapAtStartMb = (await s.stats({ gc: true, reset: true })).heapUsedMb;
  }

  /** Starts a new server when a request killed the last one. */
  async ensureRunning(): Promise<void> {
    // Alive is not enough: a server stuck in a request (or in GC before it runs out of
    // memory) does not answer its health check and is replaced.
    if (this.server?.alive && (await this.server.send("GET", "/readyz", { timeoutMs: 5_000 })).status === 200)
      return;
    if (this.server) {
      const log = this.server.logTail.join("");
      const fatal = /FATAL ERROR[^\n]*|[^\n]*out of memory[^\n]*/.exec(log)?.[0];
      this.deaths.push(`${this.server.alive ? "stuck" : "died"}: ${fatal ?? log.slice(-300)}`);
      this.agent?.stop();
      await this.server.stop({ kill: true });
    }
    await this.start();
  }

  async stop(): Promise<void> {
    this.agent?.stop();
    await this.server?.stop();
  }

  token(caller: "admin" | "node"): string {
    return caller === "admin" ? this.server.adminToken : this.node;
  }

  /** Runs `act` while the probe watches the server's loop; replays a slow idempotent act. */
  async measured<T>(summary: string, act: () => Promise<T>, replayable: (r: T) => boolean): Promise<T> {
    let best: Measurement | undefined;
    let result!: T;
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.server.stats({ reset: true }).catch(() => undefined);
      const r = await act();
      if (attempt === 0) result = r;
      const s = await this.server.stats().catch(() => undefined);
      if (!s) {
        // The server died or stopped answering its probe: the worst stall of all.
        best = { summary, blockedMs: Infinity, maxDelayMs: Infinity, cpuMs: 0, gcMaxMs: 0 };
        break;
      }
      // A busy machine delays the loop without the server running: count only CPU time used.
      const m: Measurement = {
        summary,
        blockedMs: Math.max(0, Math.min(s.maxDelayMs, s.cpuMs) - s.gcMaxMs),
        maxDelayMs: s.maxDelayMs,
        cpuMs: s.cpuMs,
        gcMaxMs: s.gcMaxMs,
      };
      if (!best || m.blockedMs < best.blockedMs) best = m;
      if (best.blockedMs <= STALL_BUDGET_MS || !replayable(result)) break;
    }
    if (best) this.measurements.push(best);
    return result;
  }

  /** Sends a fuzzed HTTP request and checks it; throws what went wrong. */
  async check(req: FuzzRequest & { nodePodList?: boolean }): Promise<Answer> {
    await this.settle();
    const logBefore = this.server.logBytes;
    const answer = await this.measured(
      req.summary,
      () =>
        this.server.send(req.method, req.path, {
          token: this.token(req.caller),
          ...(req.body !== undefined ? { body: req.body } : {}),
          ...(req.contentType ? { contentType: req.contentType } : {}),
          ...(req.accept ? { accept: req.accept } : {}),
          headersOnly: req.stream ?? false,
          timeoutMs: 20_000,
        }),
      (a) => a.status >= 400 || req.method === "GET",
    );
    const problems: string[] = [];
    // Node refuses a request line and headers over --max-http-header-size (16 KiB) by closing.
    const oversized = answer.status === 0 && req.path.length > 16 * 1024 - 512;
    if (answer.status === 0 && !oversized)
      problems.push(`no answer (${answer.error}); server alive: ${this.server.alive}`);
    else if (answer.status >= 500) problems.push(`answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    const dryRun = /[?&]dryRun=All(&|$)/.test(req.path);
    const wrote = answer.status >= 200 && answer.status < 300 && req.method !== "GET" && !dryRun;
    if (!wrote && this.server.alive) {
      const change = await this.baseline.changes();
      if (change) {
        problems.push(
          `answered ${answer.status}${dryRun ? " to a dry run" : ""} but the store changed:\n${change}`,
        );
        this.dirty = true;
      }
    }
    if (wrote) {
      this.dirty = true;
      problems.push(...(await this.storedProblems(answer)));
    }
    if (req.nodePodList && answer.status === 200 && answer.json?.kind === "PodList") {
      const foreign = (answer.json.items as any[]).filter((p) => p.spec?.nodeName !== FUZZ_NODE);
      if (foreign.length > 0)
        problems.push(
          `a node credential listed pods of other nodes: ${foreign.map((p) => p.metadata.name).join(", ")}`,
        );
    }
    const logged = this.server.logBytes - logBefore;
    if (logged > LOG_BUDGET_BYTES) problems.push(`the server logged ${logged} bytes for one request`);
    if (problems.length > 0) throw new Error(`${req.summary}\n -> ${problems.join("\n -> ")}`);
    return answer;
  }

  /** What is wrong with the object an accepted write stored. */
  private async storedProblems(answer: Answer): Promise<string[]> {
    const o = answer.json as KubeObject | undefined;
    const info = o?.kind ? resourceForKind(o.kind) : undefined;
    if (!o?.metadata?.name || !info) return [];
    const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    const ns = info.namespaced ? `/namespaces/${o.metadata.namespace}` : "";
    const r = await this.server.send("GET", `${base}${ns}/${info.resource}/${o.metadata.name}`);
    if (r.status !== 200) return r.status >= 500 ? [`reading the written object answered ${r.status}`] : [];
    const problems =
      info.resource === "nodes"
        ? nodeProblems(r.json)
        : info.resource === "pods"
          ? podProblems(r.json)
          : unknownFieldsOf(REGISTRY, info.resource, r.json).paths.map((f) => `unknown field ${f}`);
    return problems.map((p) => `stored ${info.resource}/${o.metadata.name}: ${p}`);
  }

  /** After an accepted write, waits until the controllers are done, then takes a baseline. */
  async settle(): Promise<void> {
    if (!this.dirty || !this.server.alive) return;
    let last = "";
    await waitFor(
      "the store to settle",
      async () => {
        const rv = String(
          (await this.server.send("GET", "/api/v1/namespaces?limit=1")).json?.metadata?.resourceVersion,
        );
        const same = rv === last;
        last = rv;
        return same;
      },
      10_000,
      150,
    ).catch(() => undefined);
    await this.baseline.take();
    this.dirty = false;
  }

  /** Reads kubectl makes after an agent session; none may fail. */
  async readsStillWork(): Promise<string[]> {
    const table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    const out: string[] = [];
    for (const [path, accept] of [
      ["/api/v1/nodes", "application/json"],
      ["/api/v1/nodes", table],
      [`/api/v1/nodes/${FUZZ_WS_NODE}`, table],
      ["/api/v1/pods", table],
      [`/api/v1/namespaces/${FUZZ_NS}/events`, table],
    ] as const) {
      const r = await this.server.send("GET", path, { accept });
      if (r.status !== 200)
        out.push(
          `GET ${path} (${accept.includes("Table") ? "table" : "json"}) answered ${r.status}: ${r.text.slice(0, 300)}`,
        );
    }
    return out;
  }
}
