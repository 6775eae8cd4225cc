import { describe, it, expect } from "vitest";
import { describeNode, nodeRoles } from "./node.js";
import { describeDaemonSet } from "./daemonset.js";
import { describePod, qosClass } from "./pod.js";
import { describeNamespace } from "./namespace.js";
import { rfc1123z, selectorText } from "./common.js";
import { NOW, masterNode, nginxDaemonSet, nginxPod, scheduledEvent } from "./fixtures.js";

const lines = (s: string): string[] => s.split("\n");
/** The first word of each section heading, in order. */
const headings = (s: string): string[] =>
  lines(s)
    .filter((l) => /^[A-Z][A-Za-z -]*:/.test(l))
    .map((l) => l.slice(0, l.indexOf(":")));

describe("describe node", () => {
  const out = describeNode(masterNode, [nginxPod], [], NOW);

  it("has kubectl's sections in kubectl's order", () => {
    expect(headings(out)).toEqual([
      "Name",
      "Roles",
      "Labels",
      "Annotations",
      "CreationTimestamp",
      "Taints",
      "Unschedulable",
      "Conditions",
      "Addresses",
      "Capacity",
      "Allocatable",
      "System Info",
      "Non-terminated Pods",
      "Allocated resources",
      "Events",
    ]);
  });

  it("shows the node's lease after Unschedulable, or why it could not be read", () => {
    const renew = "2026-12-01T12:00:05.250000Z";
    const withLease = lines(
      describeNode(masterNode, [nginxPod], [], NOW, { holderIdentity: "master", renewTime: renew }),
    );
    const at = withLease.findIndex((l) => l.startsWith("Lease:"));
    expect(withLease[at - 1]).toMatch(/^Unschedulable:\s+false$/);
    expect(withLease.slice(at, at + 4).map((l) => l.replace(/\s+/g, " "))).toEqual([
      "Lease:",
      " HolderIdentity: master",
      " AcquireTime: <unset>",
      " RenewTime: Tue, 01 Dec 2026 12:00:05 +0000",
    ]);
    const failed = lines(describeNode(masterNode, [nginxPod], [], NOW, { error: "not found" }));
    expect(failed.find((l) => l.startsWith("Lease:"))).toMatch(/^Lease:\s+Failed to get lease: not found$/);
  });

  it("aligns the header fields and shows the control-plane taint and role", () => {
    expect(lines(out).slice(0, 9)).toEqual([
      "Name:               master",
      "Roles:              control-plane",
      "Labels:             kubernetes.io/hostname=master",
      "                    kubernetes.io/os=linux",
      "                    node-role.kubernetes.io/control-plane=",
      "Annotations:        node.alpha.kubernetes.io/ttl: 0",
      "CreationTimestamp:  Tue, 01 Dec 2026 11:00:00 +0000",
      "Taints:             node-role.kubernetes.io/control-plane:NoSchedule",
      "Unschedulable:      false",
    ]);
  });

  it("prints the conditions table and the non-terminated pods with their count", () => {
    expect(out).toContain(
      "  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason       Message\n" +
        "  ----    ------  -----------------                 ------------------                ------       -------\n" +
        "  Ready   True    Tue, 01 Dec 2026 11:59:50 +0000   Tue, 01 Dec 2026 11:00:10 +0000   AgentReady   everynode agent is posting ready status\n",
    );
    expect(out).toContain("Non-terminated Pods:          (1 in total)\n");
    expect(out).toContain(
      "  default                     nginx-abcde    0 (0%)        0 (0%)      0 (0%)           0 (0%)         9m59s\n",
    );
    expect(out).toContain("  Kubelet Version:            v1.32.0-everynode.0.1.0\n");
    expect(out.endsWith("Events:              <none>\n")).toBe(true);
  });

  it.each([
    [{ "node-role.kubernetes.io/control-plane": "" }, "control-plane"],
    [
      { "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/control-plane": "" },
      "control-plane,worker",
    ],
    [{ "kubernetes.io/hostname": "x" }, "<none>"],
  ])("roles of %j are %s", (labels, roles) => expect(nodeRoles(labels)).toBe(roles));
});

describe("describe daemonset", () => {
  const out = describeDaemonSet(nginxDaemonSet, [nginxPod], [scheduledEvent], NOW);

  it("prints the counters and the pod status line", () => {
    expect(lines(out).slice(0, 12)).toEqual([
      "Name:           nginx",
      "Selector:       app=nginx",
      "Node-Selector:  <none>",
      "Labels:         <none>",
      "Annotations:    deprecated.daemonset.template.generation: 1",
      "Desired Number of Nodes Scheduled: 3",
      "Current Number of Nodes Scheduled: 3",
      "Number of Nodes Scheduled with Up-to-date Pods: 3",
      "Number of Nodes Scheduled with Available Pods: 2",
      "Number of Nodes Misscheduled: 0",
      "Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed",
      "Pod Template:",
    ]);
  });

  it("leaves out the last-applied annotation and prints the template's containers, volumes and tolerations", () => {
    expect(out).not.toContain("last-applied");
    expect(out).toContain(
      "  Containers:\n   nginx:\n    Image:      nginx\n    Port:       80/TCP\n    Host Port:  0/TCP\n",
    );
    expect(out).toContain(
      "    Environment:\n      NODE:   (v1:spec.nodeName)\n    Mounts:\n      /var/log/nginx from logs (rw)\n",
    );
    expect(out).toContain(
      "    Type:          HostPath (bare host directory volume)\n    Path:          /var/log/nginx\n",
    );
    expect(out).toContain("  Tolerations:     node-role.kubernetes.io/control-plane:NoSchedule op=Exists\n");
  });

  it("prints the events table", () => {
    expect(out).toContain(
      "Events:\n  Type    Reason            Age   From                  Message\n" +
        "  ----    ------            ----  ----                  -------\n" +
        "  Normal  SuccessfulCreate  10m   daemonset-controller  Created pod: nginx-abcde\n",
    );
  });
});

describe("describe pod", () => {
  const out = describePod(nginxPod, [], NOW);

  it("prints the header, the node with its IP and the controller", () => {
    expect(lines(out).slice(0, 6)).toEqual([
      "Name:         nginx-abcde",
      "Namespace:    default",
      "Node:         master/172.18.0.2",
      "Start Time:   Tue, 01 Dec 2026 11:50:01 +0000",
      "Labels:       app=nginx",
      "              controller-revision-hash=6d5f7b9c8",
    ]);
    expect(out).toContain("Controlled By:  DaemonSet/nginx\n");
  });

  it("prints the running container with its state, readiness and resolved env", () => {
    expect(out).toContain(
      "    Container ID:   docker://0123456789ab\n    Image:          nginx\n    Image ID:       docker-pullable://nginx@sha256:abc\n" +
        "    Port:           80/TCP\n    Host Port:      0/TCP\n    State:          Running\n" +
        "      Started:      Tue, 01 Dec 2026 11:50:03 +0000\n    Ready:          True\n    Restart Count:  0\n",
    );
    expect(out).toContain("      NODE:  master (v1:spec.nodeName)\n");
    expect(out).toContain(
      "Conditions:\n  Type          Status\n  Initialized   True \n  Ready         True \n",
    );
  });

  it("prints QoS and the tolerations sorted, one per line", () => {
    expect(out).toContain(
      "QoS Class:         BestEffort\nNode-Selectors:    <none>\n" +
        "Tolerations:       node-role.kubernetes.io/control-plane:NoSchedule op=Exists\n" +
        "                   node.kubernetes.io/not-ready:NoExecute op=Exists\nEvents:            <none>\n",
    );
  });

  it.each([
    [[{}], "BestEffort"],
    [[{ requests: { cpu: "100m" } }], "Burstable"],
    [[{ limits: { cpu: "1", memory: "1Gi" } }], "Guaranteed"],
  ])("QoS of %j is %s", (resources, qos) => {
    const pod = {
      ...nginxPod,
      status: {},
      spec: { containers: resources.map((r) => ({ name: "c", resources: r })) },
    };
    expect(qosClass(pod)).toBe(qos);
  });
});

describe("describe helpers", () => {
  it("formats times as Go's RFC1123Z", () =>
    expect(rfc1123z("2026-12-01T09:05:03Z")).toBe("Tue, 01 Dec 2026 09:05:03 +0000"));
  it("prints selectors as kubectl does", () =>
    expect(
      selectorText({
        matchLabels: { b: "1" },
        matchExpressions: [
          { key: "a", operator: "In", values: ["y", "x"] },
          { key: "c", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("a in (x,y),b=1,!c"));
  it("describes a namespace", () =>
    expect(
      describeNamespace({
        metadata: { name: "default", labels: { "kubernetes.io/metadata.name": "default" } },
        status: { phase: "Active" },
      }),
    ).toBe(
      "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n",
    ));
});
