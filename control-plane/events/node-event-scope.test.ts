import { describe, expect, it } from "vitest";
import type { KubeEvent, Pod } from "../../shared/api-types.js";
import { nodeEventRefusal } from "./node-event-scope.js";

const pods: Record<string, Pod> = {
  "default/mine": {
    metadata: { name: "mine", namespace: "default", uid: "u-mine" },
    spec: { nodeName: "node-a", containers: [] },
  },
  "default/theirs": {
    metadata: { name: "theirs", namespace: "default", uid: "u-theirs" },
    spec: { nodeName: "node-b", containers: [] },
  },
};
const lookup = (ns: string, name: string): Pod | undefined => pods[`${ns}/${name}`];

function event(involvedObject: KubeEvent["involvedObject"], extra: Partial<KubeEvent> = {}): KubeEvent {
  return { metadata: { name: "e", namespace: "default" }, involvedObject, ...extra };
}

describe("nodeEventRefusal", () => {
  it.each<[string, KubeEvent]>([
    ["its own Node", event({ kind: "Node", name: "node-a" })],
    ["a pod bound to it", event({ kind: "Pod", namespace: "default", name: "mine", uid: "u-mine" })],
    ["a pod bound to it, without uid or namespace", event({ kind: "Pod", name: "mine" })],
    [
      "its own pod, naming itself as the source",
      event(
        { kind: "Pod", name: "mine" },
        { source: { component: "kubelet", host: "node-a" }, reportingInstance: "node-a" },
      ),
    ],
  ])("lets a node record events about %s", (_what, e) => {
    expect(nodeEventRefusal(e, "node-a", lookup)).toBeUndefined();
  });

  it.each<[string, KubeEvent, RegExp]>([
    ["another node", event({ kind: "Node", name: "node-b" }), /only about itself, not about node "node-b"/],
    [
      "another node's pod",
      event({ kind: "Pod", name: "theirs" }),
      /pods bound to it, not about pod "default\/theirs"/,
    ],
    ["a pod that does not exist", event({ kind: "Pod", name: "ghost" }), /not about pod "default\/ghost"/],
    ["its pod under an old uid", event({ kind: "Pod", name: "mine", uid: "u-old" }), /another uid/],
    ["a DaemonSet", event({ kind: "DaemonSet", name: "web" }), /not about kind "DaemonSet"/],
    ["a kind that is a number", event({ kind: 5 as unknown as string, name: "x" }), /not about kind 5/],
    [
      "its pod, claiming another host",
      event({ kind: "Pod", name: "mine" }, { source: { component: "kubelet", host: "node-b" } }),
      /source.host must be the node's own name "node-a", not "node-b"/,
    ],
    [
      "its node, claiming another reporting instance",
      event({ kind: "Node", name: "node-a" }, { reportingInstance: "node-b" }),
      /reportingInstance must be/,
    ],
  ])("refuses a node's event about %s", (_what, e, why) => {
    expect(nodeEventRefusal(e, "node-a", lookup)).toMatch(why);
  });
});
