// After a run, the integration files that took longest, and their sum: they run one after
// another, so that sum is most of `npm test`'s time, and CI must stay under 15 minutes as
// the suite grows. A file near the top is the first to split or to share a cluster.

import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 20;

export default class SlowFilesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const files = modules
      .filter((m) => m.project.name === "integration")
      .map((m) => {
        const d = m.diagnostic();
        return { file: path.relative(process.cwd(), m.moduleId), ms: d.duration + d.collectDuration };
      })
      .sort((a, b) => b.ms - a.ms);
    if (files.length < 2) return;
    const total = files.reduce((sum, f) => sum + f.ms, 0);
    const lines = files.slice(0, SHOWN).map((f) => `  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.file}`);
    process.stdout.write(
      `\nIntegration files, one after another: ${(total / 60_000).toFixed(1)} min in all; the slowest:\n${lines.join("\n")}\n`,
    );
  }
}
