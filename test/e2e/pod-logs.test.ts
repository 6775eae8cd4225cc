// The kubelet's log layout on real agents, as a log shipper with its stock configuration
// reads it: a DaemonSet whose container prints to stdout and stderr (a 40000-byte line among
// them) and crashes once, and a second container that keeps counting. On every node: the
// files are where the kubelet puts them (pod uid, restart count), the lines are in the CRI
// format, a reader that knows only the layout finds every line under the right pod,
// namespace and container, and an agent restarted mid-output neither loses nor repeats one.

import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cluster } from "../helpers/cluster.js";
import { startCluster, TEST_IMAGE, waitFor } from "../helpers/cluster.js";
import { shipNode, type ShippedLine } from "../helpers/cri-reader.js";

const NS = "logs-e2e";
const NODES = [{ name: "logs-e2e-a" }, { name: "logs-e2e-b" }];
const LONG = 40_000;

const manifest = `apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: chatty, namespace: ${NS}}
spec:
  selector: {matchLabels: {app: chatty}}
  template:
    metadata: {labels: {app: chatty}}
    spec:
      terminationGracePeriodSeconds: 1
      volumes: [{name: state, emptyDir: {}}]
      containers:
      - name: talker
        image: ${TEST_IMAGE}
        volumeMounts: [{name: state, mountPath: /state}]
        command: ["sh", "-c"]
        args:
        - |
          echo "hello from $HOSTNAME"
          echo "a warning" >&2
          head -c ${LONG} /dev/zero | tr '\\0' x; echo
          for i in 0 1 2 3 4; do echo "tick-$i"; done
          if [ ! -f /state/crashed ]; then touch /state/crashed; echo "crashing" >&2; exit 3; fi
          echo "after the restart"
          exec sleep 3600
      - name: counter
        image: ${TEST_IMAGE}
        command: ["sh", "-c", "i=0; while true; do echo n-$i; i=$((i+1)); sleep 0.1; done"]
`;

describe("the kubelet's log layout", () => {
  let cluster: Cluster;
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-pod-logs-"));

  beforeAll(async () => {
    cluster = await startCluster({ noServerAgent: true, agents: NODES });
    const file = path.join(dir, "chatty.yaml");
    writeFileSync(file, manifest);
    const applied = await cluster.kubectl(["apply", "-f", file]);
    expect(applied.code, applied.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const pods = async (): Promise<any[]> => cluster.pods(NS);
  const onNode = (lines: ShippedLine[], container: string): ShippedLine[] =>
    lines.filter((l) => l.namespace === NS && l.container === container);

  it("writes every line of every attempt where a shipper looks, in the CRI format", async () => {
    // Each pod's talker crashed once and runs again.
    const running = await waitFor(
      "both pods restarted once and running",
      async () => {
        const list = await pods();
        const ok =
          list.length === 2 &&
          list.every((p) =>
            p.status?.containerStatuses?.some(
              (s: any) => s.name === "talker" && s.restartCount === 1 && s.state?.running,
            ),
          );
        return ok ? list : undefined;
      },
      120_000,
    );
    for (const pod of running) {
      const node = pod.spec.nodeName as string;
      const root = cluster.podLogDir(node);
      const podDir = path.join(root, "pods", `${NS}_${pod.metadata.name}_${pod.metadata.uid}`);
      // The files: one per attempt of each container, named by restart count.
      await waitFor(`the talker's second attempt on ${node}`, () =>
        readFileOr(path.join(podDir, "talker", "1.log")).includes("after the restart"),
      );
      expect(readdirSync(path.join(podDir, "talker")).sort()).toEqual(["0.log", "1.log"]);
      expect(readdirSync(path.join(podDir, "counter"))).toEqual(["0.log"]);

      // The format, line by line, and the long line split at 16 KiB as P, P, F.
      const first = readFileSync(path.join(podDir, "talker", "0.log"), "utf8")
        .split("\n")
        .filter(Boolean);
      const criLine = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) [PF] /;
      for (const l of first) expect(l).toMatch(criLine);
      // The engine keeps each stream's order; between stdout and stderr, whichever came first.
      expect(first).toContainEqual(
        expect.stringMatching(new RegExp(`^\\S+ stdout F hello from ${pod.metadata.name}$`)),
      );
      expect(first).toContainEqual(expect.stringMatching(/^\S+ stderr F a warning$/));
      const tags = first.filter((l) => / x+$/.test(l)).map((l) => l.split(" ")[2]);
      expect(tags).toEqual(["P", "P", "F"]);

      // The shipper's view: names parsed from the links, lines joined.
      const shipped = shipNode(root).filter((l) => l.pod === pod.metadata.name);
      const talker = onNode(shipped, "talker");
      const ids = new Set(talker.map((l) => l.containerId));
      expect(ids.size).toBe(2);
      expect(talker.every((l) => l.file.startsWith(podDir))).toBe(true);
      const texts = talker.map((l) => `${l.stream}:${l.text}`);
      const once = [
        `stdout:hello from ${pod.metadata.name}`,
        "stderr:a warning",
        `stdout:${"x".repeat(LONG)}`,
        ...[0, 1, 2, 3, 4].map((i) => `stdout:tick-${i}`),
      ];
      // Each attempt printed these; the first one crashed, the second one went on.
      for (const t of once) expect(texts.filter((x) => x === t)).toHaveLength(2);
      expect(texts.filter((t) => t === "stderr:crashing")).toHaveLength(1);
      expect(texts.filter((t) => t === "stdout:after the restart")).toHaveLength(1);
      expect(talker.find((l) => l.text.length === LONG)?.records).toBe(3);
      const current = pod.status.containerStatuses.find((s: any) => s.name === "talker").containerID;
      expect(current).toBe(`docker://${talker.find((l) => l.text === "after the restart")?.containerId}`);
      expect(onNode(shipped, "counter").length).toBeGreaterThan(0);
    }
  }, 180_000);

  it("resumes after an agent restart without losing or repeating a line", async () => {
    const [a] = NODES;
    const root = cluster.podLogDir(a!.name);
    const counted = (): number[] =>
      onNode(shipNode(root), "counter").map((l) => Number(l.text.replace("n-", "")));
    const before = await waitFor("the counter's lines on disk", () =>
      counted().length > 10 ? counted() : undefined,
    );
    await cluster.restartAgent(a!);
    // The counter went on while no agent followed it; the new agent writes what it missed.
    await waitFor(
      "the counter past its lines before the restart",
      () => counted().length > before.length + 30,
      60_000,
    );
    const after = counted();
    expect(after).toEqual(after.map((_, i) => i));
  }, 120_000);
});

function readFileOr(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}
