import { describe, expect, it } from "vitest";
import type { ContainerState, Pod } from "../../../shared/api-types.js";
import { podPrinter } from "./pod-printer.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

const container = (
  state: ContainerState,
  extra: Partial<{ ready: boolean; restartCount: number; lastState: ContainerState }> = {},
) => ({
  name: "c",
  image: "nginx",
  imageID: "",
  ready: extra.ready ?? false,
  restartCount: extra.restartCount ?? 0,
  state,
  lastState: extra.lastState ?? {},
});

const makePod = (status: Pod["status"], meta: Partial<Pod["metadata"]> = {}, containers = 1): Pod => ({
  metadata: { name: "p", namespace: "default", creationTimestamp: ago(3_600_000), ...meta },
  spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}` })) },
  status,
});

describe("pod Ready, Status and Restarts", () => {
  it.each<[string, Pod, string, string, string]>([
    ["pending, nothing reported", makePod({ phase: "Pending" }), "0/1", "Pending", "0"],
    [
      "creating",
      makePod({
        phase: "Pending",
        containerStatuses: [container({ waiting: { reason: "ContainerCreating" } })],
      }),
      "0/1",
      "ContainerCreating",
      "0",
    ],
    [
      "running and ready",
      makePod({ phase: "Running", containerStatuses: [container({ running: {} }, { ready: true })] }),
      "1/1",
      "Running",
      "0",
    ],
    [
      "running, not ready",
      makePod({ phase: "Running", containerStatuses: [container({ running: {} })] }),
      "0/1",
      "Running",
      "0",
    ],
    [
      "ErrImagePull",
      makePod({ phase: "Pending", containerStatuses: [container({ waiting: { reason: "ErrImagePull" } })] }),
      "0/1",
      "ErrImagePull",
      "0",
    ],
    [
      "ImagePullBackOff",
      makePod({
        phase: "Pending",
        containerStatuses: [container({ waiting: { reason: "ImagePullBackOff" } })],
      }),
      "0/1",
      "ImagePullBackOff",
      "0",
    ],
    [
      "CrashLoopBackOff with restarts and when",
      makePod({
        phase: "Running",
        containerStatuses: [
          container(
            { waiting: { reason: "CrashLoopBackOff" } },
            {
              restartCount: 5,
              lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago(300_000) } },
            },
          ),
        ],
      }),
      "0/1",
      "CrashLoopBackOff",
      "5 (5m ago)",
    ],
    [
      "Completed",
      makePod({
        phase: "Succeeded",
        containerStatuses: [container({ terminated: { exitCode: 0, reason: "Completed" } })],
      }),
      "0/1",
      "Completed",
      "0",
    ],
    [
      "Error",
      makePod({
        phase: "Failed",
        containerStatuses: [container({ terminated: { exitCode: 1, reason: "Error" } })],
      }),
      "0/1",
      "Error",
      "0",
    ],
    [
      "exit code without reason",
      makePod({ phase: "Failed", containerStatuses: [container({ terminated: { exitCode: 137 } })] }),
      "0/1",
      "ExitCode:137",
      "0",
    ],
    [
      "signal without reason",
      makePod({
        phase: "Failed",
        containerStatuses: [container({ terminated: { exitCode: 0, signal: 9 } })],
      }),
      "0/1",
      "Signal:9",
      "0",
    ],
    [
      "Terminating",
      makePod(
        { phase: "Running", containerStatuses: [container({ running: {} }, { ready: true })] },
        { deletionTimestamp: ago(1000) },
      ),
      "1/1",
      "Terminating",
      "0",
    ],
    ["NodeLost reason", makePod({ phase: "Running", reason: "NodeLost" }), "0/1", "NodeLost", "0"],
    [
      "NodeLost and deleted: Unknown",
      makePod({ phase: "Running", reason: "NodeLost" }, { deletionTimestamp: ago(1000) }),
      "0/1",
      "Unknown",
      "0",
    ],
    [
      "deleted but already Succeeded",
      makePod({ phase: "Succeeded" }, { deletionTimestamp: ago(1000) }),
      "0/1",
      "Succeeded",
      "0",
    ],
    [
      "first container's reason wins; restarts add up",
      makePod(
        {
          phase: "Running",
          containerStatuses: [
            container({ waiting: { reason: "CrashLoopBackOff" } }, { restartCount: 2 }),
            container({ running: {} }, { ready: true, restartCount: 1 }),
          ],
        },
        {},
        2,
      ),
      "1/2",
      "CrashLoopBackOff",
      "3",
    ],
    [
      "Completed with one container still running: Running when Ready",
      makePod(
        {
          phase: "Running",
          conditions: [{ type: "Ready", status: "True" }],
          containerStatuses: [
            container({ terminated: { exitCode: 0, reason: "Completed" } }),
            container({ running: {} }, { ready: true }),
          ],
        },
        {},
        2,
      ),
      "1/2",
      "Running",
      "0",
    ],
    [
      "init container waiting",
      {
        ...makePod({
          phase: "Pending",
          initContainerStatuses: [container({ waiting: { reason: "ErrImagePull" } })],
        } as Pod["status"]),
        spec: { containers: [{ name: "c0" }], initContainers: [{ name: "c" }] },
      },
      "0/1",
      "Init:ErrImagePull",
      "0",
    ],
    [
      "init container running",
      {
        ...makePod({
          phase: "Pending",
          initContainerStatuses: [container({ running: {} })],
        } as Pod["status"]),
        spec: { containers: [{ name: "c0" }], initContainers: [{ name: "c" }, { name: "d" }] },
      },
      "0/1",
      "Init:0/2",
      "0",
    ],
  ])("%s", (_name, p, ready, status, restarts) => {
    const cells = podPrinter.cells(p, NOW);
    expect(cells.slice(0, 4)).toEqual(["p", ready, status, restarts]);
    expect(cells[4]).toBe("60m");
  });

  it("wide cells: IP, node, nominated node and readiness gates", () => {
    const p = makePod({
      phase: "Running",
      podIP: "10.0.0.5",
      conditions: [{ type: "example.com/gate", status: "True" }],
    });
    p.spec.nodeName = "node01";
    p.spec["readinessGates"] = [{ conditionType: "example.com/gate" }, { conditionType: "other" }];
    expect(podPrinter.cells(p, NOW).slice(5)).toEqual(["10.0.0.5", "node01", "<none>", "1/2"]);
    expect(podPrinter.cells(makePod({}), NOW).slice(5)).toEqual(["<none>", "<none>", "<none>", "<none>"]);
  });
});
