import { describe, expect, it } from "vitest";
import type { DaemonSet, KubeEvent } from "../../../shared/api-types.js";
import { daemonSetPrinter } from "./daemonset-printer.js";
import { defaultPrinter, eventPrinter } from "./other-printers.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("daemon set and event cells", () => {
  it("prints the template's node selector and the containers", () => {
    const ds: DaemonSet = {
      metadata: { name: "agent", creationTimestamp: ago(10_000) },
      spec: {
        selector: {
          matchLabels: { app: "agent" },
          matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
        },
        template: {
          spec: {
            nodeSelector: { zone: "z1", disk: "ssd" },
            containers: [
              { name: "a", image: "busybox" },
              { name: "b", image: "nginx:1.27" },
            ],
          },
        },
      },
    };
    expect(daemonSetPrinter.cells(ds, NOW)).toEqual([
      "agent",
      0,
      0,
      0,
      0,
      0,
      "disk=ssd,zone=z1",
      "10s",
      "a,b",
      "busybox,nginx:1.27",
      "app=agent,tier in (a,b)",
    ]);
  });

  it.each<[string, Partial<KubeEvent>, string, string, string, number]>([
    [
      "pod event with a container",
      {
        involvedObject: { kind: "Pod", name: "nginx-abcde", fieldPath: "spec.containers{nginx}" },
        source: { component: "kubelet", host: "node01" },
      },
      "pod/nginx-abcde",
      "spec.containers{nginx}",
      "kubelet, node01",
      1,
    ],
    [
      "daemon set event from the reporting controller",
      {
        involvedObject: { kind: "DaemonSet", name: "nginx" },
        reportingComponent: "daemonset-controller",
        count: 4,
      },
      "daemonset/nginx",
      "",
      "daemonset-controller",
      4,
    ],
    ["an object without a name", { involvedObject: { kind: "Node" } }, "node", "", "", 1],
  ])("%s", (_name, extra, object, subobject, source, count) => {
    const e: KubeEvent = {
      metadata: { name: "e1", namespace: "default" },
      involvedObject: {},
      eventTime: ago(2000),
      type: "Warning",
      reason: "R",
      message: "m",
      ...extra,
    };
    const cells = eventPrinter.cells(e, NOW);
    expect(cells).toEqual(["2s", "Warning", "R", object, subobject, source, "m", "2s", count, "e1"]);
  });
});

describe("the default printer, for a kind without one of its own", () => {
  it("prints the name and the age, as the API server's default table", () => {
    expect(defaultPrinter.columns.map((c) => [c.name, c.format])).toEqual([
      ["Name", "name"],
      ["Age", ""],
    ]);
    const cm = { metadata: { name: "settings", creationTimestamp: ago(90_000) }, data: {} };
    expect(defaultPrinter.cells(cm, NOW)).toEqual(["settings", "90s"]);
  });
});
