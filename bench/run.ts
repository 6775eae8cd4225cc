// Runs everynode's benchmarks and writes their numbers to bench/results/ (not committed).
// `npm run bench`; timing goals live here, never in the tests.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runMetricsScrapeBench } from "./metrics-scrape-bench.js";
import { runPlanStepsBench } from "./plan-steps-bench.js";
import { runReconcileBench } from "./reconcile-bench.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outDir = path.join(root, "bench/results");
mkdirSync(outDir, { recursive: true });

const nodes = Number(process.env.BENCH_NODES ?? 10_000);
const result = runReconcileBench(nodes, 5);
const file = path.join(outDir, "reconcile.json");
writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
process.stdout.write(
  `reconcile: ${result.nodes} nodes, ${result.daemonSets} DaemonSets, ${result.pods} pods\n` +
    `  first pass (creates every pod): ${result.firstPassMs} ms\n` +
    `  steady pass: median ${result.steadyPassMedianMs} ms (${result.steadyPassMs.join(", ")}); goal ${result.goalMs} ms, ratio ${result.steadyGoalRatio}\n` +
    `  pass after one node label change: ${result.labelChangePassMs} ms\n` +
    `  reopen of the store: ${result.reopenMs} ms\n` +
    `written to ${path.relative(root, file)}\n`,
);

const steps = runPlanStepsBench(nodes);
const stepsFile = path.join(outDir, "plan-steps.json");
writeFileSync(stepsFile, JSON.stringify(steps, null, 2) + "\n");
process.stdout.write(
  `planner steps: ${steps.nodes} nodes; the longest step is how long the API waits behind planning\n` +
    steps.cases
      .map((c) => `  ${c.name}: ${c.steps} steps, ${c.totalMs} ms in all, longest ${c.longestStepMs} ms\n`)
      .join("") +
    `  goal ${steps.goalMs} ms, ratio ${steps.goalRatio}\n` +
    `written to ${path.relative(root, stepsFile)}\n`,
);

const scrape = await runMetricsScrapeBench(nodes, 5);
const scrapeFile = path.join(outDir, "metrics-scrape.json");
writeFileSync(scrapeFile, JSON.stringify(scrape, null, 2) + "\n");
process.stdout.write(
  `metrics scrape: ${scrape.nodes} nodes, ${scrape.pods} pods, ${scrape.series} series, ${Math.round(scrape.bytes / 1024)} KiB\n` +
    `  scrape after a store change: median ${scrape.changedScrapeMedianMs} ms (${scrape.changedScrapeMs.join(", ")})\n` +
    `  scrape without one: median ${scrape.unchangedScrapeMedianMs} ms\n` +
    `  of which the gauges read from the store: ${scrape.fleetGaugesMs} ms\n` +
    `written to ${path.relative(root, scrapeFile)}\n`,
);
