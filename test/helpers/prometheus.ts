// Debian's real `prometheus`, started by a test on loopback with its own temporary config and
// data dir (scrape and evaluation every second), queried through its HTTP API, stopped and
// removed by stop().

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { waitFor } from "./cluster.js";

/** A port nothing listens on now (Prometheus must be told one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface Prometheus {
  /** Its temporary dir, for files its scrape configs name (CA files, tokens). */
  readonly dir: string;
  /** One instant query: its samples (none while Prometheus is not answering yet). */
  query(expr: string): Promise<Sample[]>;
  /** What it printed, for a failed wait. */
  log(): string;
  /** Throws, with its log, if it exited. */
  checkAlive(): void;
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with `scrapeConfigs(dir)`: the YAML lines of its `scrape_configs` list
 * (indented by two spaces), given the temporary dir in which to put the files they name.
 */
export async function startPrometheus(scrapeConfigs: (dir: string) => string[]): Promise<Prometheus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-prometheus-"));
  const config = ["global:", "  scrape_interval: 1s", "  evaluation_interval: 1s", "scrape_configs:"];
  writeFileSync(path.join(dir, "prometheus.yml"), [...config, ...scrapeConfigs(dir), ""].join("\n"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  return {
    dir,
    log: () => output,
    checkAlive() {
      if (child.exitCode !== null) throw new Error(`prometheus exited:\n${output}`);
    },
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`).catch(() => undefined);
      if (!res?.ok) return [];
      const body = (await res.json()) as {
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await waitFor(
          "prometheus to exit",
          () => child.exitCode !== null || child.signalCode !== null,
          20_000,
        ).catch(() => child.kill("SIGKILL"));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
