// Hosts for the dashboard's test without Docker: each registers through the real endpoint
// and keeps a scripted agent connected (heartbeats, one known log line for any log
// request), and can report its pods' statuses as a real agent would: running and Ready,
// or crash-looping.

import type { ContainerStatus, Pod, PodStatus } from "../../shared/api-types.js";
import { waitFor } from "../helpers/cluster.js";
import { connectScriptedAgent, type ScriptedAgent } from "../helpers/scripted-agent.js";
import type { ServerProcess } from "../helpers/server-process.js";

export interface Host {
  name: string;
  agent: ScriptedAgent;
  /** Reports a status for the pods of this node that `pick` selects; waits for the ack. */
  report(pick: (pod: Pod) => boolean, status: (pod: Pod) => PodStatus): Promise<void>;
}

let seq = 1;

export async function joinHost(
  server: ServerProcess,
  name: string,
  labels: Record<string, string> = {},
): Promise<Host> {
  const credential = await server.register(name, { labels });
  const agent = await connectScriptedAgent(server.server, server.caPem, name, credential);
  return {
    name,
    agent,
    report: async (pick, status) => {
      const pods = await waitFor(`pods on ${name}`, async () => {
        const r = await server.send("GET", `/api/v1/pods?fieldSelector=spec.nodeName%3D${name}`);
        const items = ((r.json?.items ?? []) as Pod[]).filter(pick);
        return items.length > 0 ? items : undefined;
      });
      const n = seq++;
      agent.agent.send({
        v: 1,
        type: "podStatus",
        seq: n,
        statuses: pods.map((p) => ({
          namespace: p.metadata.namespace,
          name: p.metadata.name,
          uid: p.metadata.uid,
          status: status(p),
        })),
      });
      const ack = await agent.agent.next("ack");
      if (ack.refused?.length) throw new Error(`statuses refused: ${JSON.stringify(ack.refused)}`);
    },
  };
}

const T0 = "2026-01-01T00:00:00Z";

function container(
  pod: Pod,
  state: ContainerStatus["state"],
  ready: boolean,
  restartCount: number,
): ContainerStatus {
  const c = pod.spec.containers[0];
  return {
    name: c?.name ?? "main",
    state,
    lastState: {},
    ready,
    restartCount,
    image: c?.image ?? "",
    imageID: "sha256:1",
    containerID: "docker://0123456789ab",
  };
}

export function runningReady(pod: Pod): PodStatus {
  return {
    phase: "Running",
    startTime: T0,
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: T0 }],
    containerStatuses: [container(pod, { running: { startedAt: T0 } }, true, 0)],
  };
}

export function crashLooping(pod: Pod): PodStatus {
  return {
    phase: "Running",
    startTime: T0,
    conditions: [{ type: "Ready", status: "False", lastTransitionTime: T0 }],
    containerStatuses: [
      container(
        pod,
        { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" } },
        false,
        5,
      ),
    ],
  };
}
