// Churn: for a while, every 10 s a tenth of the agents drop their connection (half of them
// with goodbye, as a clean restart, half by vanishing, as a crash) and come back within
// 5 s. Afterwards the server must hold what it held before: the same open sockets (no
// session left behind), an RSS that stayed flat, and a fleet that is still converged.

import { checkObjects, type DesiredState } from "./faults-checks.js";
import type { Fleet } from "./fleet.js";
import { openFds, readProc } from "./proc.js";
import { DS_NAME, mergeWaits, waitReady } from "./scenario.js";
import type { ServerProcess } from "./server-process.js";
import type { ChurnSpec, WaitResult } from "./sim-protocol.js";
import { max, round } from "./stats.js";

export interface ChurnResult {
  minutes: number;
  spec: ChurnSpec;
  drops: number;
  reconnected: number;
  /** Server RSS and open descriptors through the churn, seconds from its start. */
  series: { s: number; rssBytes: number; fds: number }[];
  fdsBefore: number;
  fdsAfter: number;
  /** From the end of the warm-up (a tenth of the run) to the end: change and range, in percent. */
  rssChangePct: number;
  rssRangePct: number;
  duplicates: number;
  problems: string[];
}

export async function runChurn(o: {
  server: ServerProcess;
  fleet: Fleet;
  minutes: number;
  desired: DesiredState & { image: string };
  say: (s: string) => void;
}): Promise<ChurnResult> {
  const { server, fleet } = o;
  const spec: ChurnSpec = {
    durationMs: o.minutes * 60_000,
    periodMs: 10_000,
    fraction: 0.1,
    offlineMaxMs: 5_000,
    goodbyeShare: 0.5,
  };
  const fdsBefore = openFds(server.pid);
  const t0 = Date.now();
  const series: ChurnResult["series"] = [];
  const sample = (): void => {
    series.push({
      s: round((Date.now() - t0) / 1000, 0),
      rssBytes: readProc(server.pid)?.rssBytes ?? 0,
      fds: openFds(server.pid),
    });
  };
  sample();
  const sampler = setInterval(sample, 15_000);
  o.say(`churning ${o.minutes} min: every 10 s, 10% of the agents drop and come back within 5 s`);
  let answers: { drops: number; reconnected: number }[];
  try {
    answers = await fleet.all<{ drops: number; reconnected: number }>({ cmd: "churn", churn: spec });
  } finally {
    clearInterval(sampler);
  }
  sample();
  // Let closed sockets finish closing before counting descriptors.
  await new Promise((r) => setTimeout(r, 5_000));
  const fdsAfter = openFds(server.pid);

  const problems: string[] = [];
  const key = "after-churn";
  await fleet.all({ cmd: "arm", expectation: { key, daemonSet: DS_NAME, image: o.desired.image } });
  const wait = mergeWaits(await fleet.all<WaitResult>({ cmd: "wait", key, timeoutMs: 30_000 }));
  await fleet.all({ cmd: "disarm", key });
  if (!wait.done) problems.push(`after the churn ${wait.missing} nodes lack their pod`);
  if ((await waitReady(() => server.api, fleet.eligible, o.desired.image, Date.now() + 30_000)) === undefined)
    problems.push("after the churn the DaemonSet status does not count every pod Ready");
  problems.push(...(await checkObjects(server.api!, fleet.nodes, o.desired)));
  if (Math.abs(fdsAfter - fdsBefore) > Math.max(5, fleet.nodes.length * 0.005))
    problems.push(
      `the server holds ${fdsAfter} descriptors after the churn, ${fdsBefore} before: sessions left behind`,
    );

  const warm = series.filter((x) => x.s >= (o.minutes * 60) / 10);
  const rss = warm.map((x) => x.rssBytes);
  const first = rss[0] ?? 0;
  const last = rss[rss.length - 1] ?? 0;
  const low = rss.length ? Math.min(...rss) : 0;
  const stats = await fleet.stats();
  return {
    minutes: o.minutes,
    spec,
    drops: answers.reduce((s, a) => s + a.drops, 0),
    reconnected: answers.reduce((s, a) => s + a.reconnected, 0),
    series,
    fdsBefore,
    fdsAfter,
    rssChangePct: first ? round(((last - first) / first) * 100, 1) : 0,
    rssRangePct: low ? round(((max(rss) - low) / low) * 100, 1) : 0,
    duplicates: stats.duplicates,
    problems,
  };
}
