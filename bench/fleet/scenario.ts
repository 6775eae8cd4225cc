// The work the fleet benchmark times: a DaemonSet created on a fleet where 9 nodes in 10
// match it, its image updated (maxUnavailable 100%), then deleted. Each phase arms the
// nodes' expectation first, then makes the API call, then waits until every node holds
// what it must (the time to the last node, and the median), and for create and update
// until the DaemonSet's status counts every pod Ready.

import type { DaemonSet } from "../../shared/api-types.js";
import type { ApiClient } from "./api-client.js";
import { POOL_LABEL, type Fleet } from "./fleet.js";
import type { ReadyInfo, WaitResult } from "./sim-protocol.js";
import { median, max, round } from "./stats.js";

export const DS_NAME = "fleet";
const DS_PATH = "/apis/apps/v1/namespaces/default/daemonsets";

export function imageFor(n: number): string {
  return `registry.invalid/everynode/fleet-app:v${n}`;
}

export function fleetDaemonSet(image: string): DaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: DS_NAME, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: DS_NAME } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "100%", maxSurge: 0 } },
      template: {
        metadata: { labels: { app: DS_NAME } },
        spec: {
          nodeSelector: { [POOL_LABEL]: "a" },
          terminationGracePeriodSeconds: 5,
          containers: [{ name: "app", image }],
        },
      },
    },
  } as DaemonSet;
}

export type PhaseKind = "create" | "update" | "delete";

export interface PhaseResult {
  kind: PhaseKind;
  startedAt: number;
  endedAt: number;
  /** The API call's status (0 when it got no answer). */
  apiStatus: number;
  done: boolean;
  /** Eligible nodes that met the expectation / did not. */
  met: number;
  missing: number;
  violations: string[];
  /** From the API call to the last node / the median node holding its assignment. */
  lastMs: number;
  medianMs: number;
  /** Create and update: from the API call until the status counts every pod Ready... */
  readyMs?: number;
  /** ...and how long after the last Ready status was sent. */
  readyAfterLastStatusMs?: number;
}

/** The API call of a phase; resolves with its HTTP status (0 when it got no answer). */
export async function phaseCall(api: ApiClient, kind: PhaseKind, image: string): Promise<number> {
  try {
    if (kind === "create")
      return (await api.request("POST", DS_PATH, { body: fleetDaemonSet(image) })).status;
    if (kind === "update") {
      const patch = [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: image }];
      return (
        await api.request("PATCH", `${DS_PATH}/${DS_NAME}`, {
          body: patch,
          contentType: "application/json-patch+json",
        })
      ).status;
    }
    return (await api.request("DELETE", `${DS_PATH}/${DS_NAME}`)).status;
  } catch {
    return 0;
  }
}

/** Merges the simulators' answers to one wait. */
export function mergeWaits(all: WaitResult[]): WaitResult {
  return {
    done: all.every((w) => w.done),
    metAt: all.flatMap((w) => w.metAt),
    missing: all.reduce((s, w) => s + w.missing, 0),
    violations: all.flatMap((w) => w.violations).slice(0, 20),
  };
}

/** Polls the DaemonSet until its status counts `want` pods updated and Ready; the time, or undefined. */
export async function waitReady(
  api: () => ApiClient | undefined,
  want: number,
  image: string,
  deadline: number,
): Promise<number | undefined> {
  while (Date.now() < deadline) {
    try {
      const ds = await api()?.getJson<DaemonSet>(`${DS_PATH}/${DS_NAME}`);
      const s = ds?.status;
      const current = ds?.spec.template.spec.containers[0]?.image === image;
      if (
        current &&
        s &&
        (s.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0) &&
        s.desiredNumberScheduled === want &&
        s.numberReady === want &&
        (s.updatedNumberScheduled ?? 0) === want
      )
        return Date.now();
    } catch {
      // the server may be restarting (fault runs): ask again
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

let phaseCounter = 0;

/** Runs one phase against the fleet; see the file comment. */
export async function runPhase(
  fleet: Fleet,
  api: ApiClient,
  kind: PhaseKind,
  image: string,
  o: { timeoutMs: number; measureReady: boolean },
): Promise<PhaseResult> {
  const key = `${kind}-${++phaseCounter}`;
  const expectation = kind === "delete" ? { key, daemonSet: DS_NAME } : { key, daemonSet: DS_NAME, image };
  await fleet.all({ cmd: "arm", expectation });
  const startedAt = Date.now();
  const apiStatus = await phaseCall(api, kind, image);
  const deadline = startedAt + o.timeoutMs;
  const ready =
    kind !== "delete" && o.measureReady ? waitReady(() => api, fleet.eligible, image, deadline) : undefined;
  const wait = mergeWaits(await fleet.all<WaitResult>({ cmd: "wait", key, timeoutMs: o.timeoutMs }));
  const readyAt = await ready;
  await fleet.all({ cmd: "disarm", key });
  const times = wait.metAt.map((t) => Math.max(0, t - startedAt));
  const result: PhaseResult = {
    kind,
    startedAt,
    endedAt: Date.now(),
    apiStatus,
    done: wait.done,
    met: wait.metAt.length,
    missing: wait.missing,
    violations: wait.violations,
    lastMs: max(times),
    medianMs: median(times),
  };
  if (readyAt !== undefined) {
    result.readyMs = readyAt - startedAt;
    const info = await fleet.all<ReadyInfo>({ cmd: "readyInfo", image });
    const last = max(info.map((i) => i.lastReadySentAt));
    if (last > 0) result.readyAfterLastStatusMs = round(readyAt - last, 0);
  }
  return result;
}
