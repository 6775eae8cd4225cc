// A node's page: labels, taints, conditions, what its agent reported, its pods (with a link
// to each container's logs) and recent events. Live over watches of the node and of the
// pods bound to it.

import type { KubeEvent, Node, Pod } from "../../../../shared/api-types.js";
import { getJson, query } from "../api.js";
import { age, fill, h, link, section, table } from "../dom.js";
import { routes } from "../routes.js";
import { throttle, watchList } from "../watch.js";
import { eventsTable, recentEvents } from "./events.js";

function nodeSummary(node: Node): HTMLElement {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const info = node.status?.nodeInfo;
  const addresses = (node.status?.addresses ?? []).map((a) => `${a.type} ${a.address}`).join(", ");
  const rows: [string, string][] = [
    ["Ready", `${ready?.status ?? "Unknown"}${ready?.reason ? ` (${ready.reason})` : ""}`],
    ["Schedulable", node.spec.unschedulable ? "no (cordoned)" : "yes"],
    ["Addresses", addresses],
    ["Agent", info ? `${info.kubeletVersion} on ${info.osImage}, kernel ${info.kernelVersion}` : ""],
    ["Runtime", info?.containerRuntimeVersion ?? ""],
    ["Architecture", info ? `${info.operatingSystem}/${info.architecture}` : ""],
    [
      "Capacity",
      Object.entries(node.status?.capacity ?? {})
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
    ],
    ["Created", age(node.metadata.creationTimestamp)],
  ];
  return h(
    "dl",
    { class: "numbers" },
    ...rows.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })]),
  );
}

function labels(node: Node): HTMLElement {
  const entries = Object.entries(node.metadata.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return h(
    "ul",
    { class: "chips", id: "node-labels" },
    ...entries.map(([k, v]) => h("li", { class: "chip", text: v ? `${k}=${v}` : k })),
  );
}

function podRows(pods: Pod[]): HTMLElement {
  const sorted = [...pods].sort((a, b) => (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  return table(
    ["Pod", "DaemonSet", "Phase", "Ready", "Restarts", "Revision", "Age", "Logs"],
    sorted.map((p) => {
      const ns = p.metadata.namespace ?? "default";
      const owner = p.metadata.ownerReferences?.find((o) => o.controller);
      const statuses = p.status?.containerStatuses ?? [];
      const waiting = statuses.map((c) => c.state.waiting?.reason).find(Boolean);
      return [
        p.metadata.name ?? "",
        owner?.kind === "DaemonSet" ? link(routes.daemonSet(ns, owner.name), owner.name) : "",
        `${p.metadata.deletionTimestamp ? "Terminating" : (p.status?.phase ?? "Pending")}${waiting ? ` (${waiting})` : ""}`,
        `${statuses.filter((c) => c.ready).length}/${p.spec.containers.length}`,
        statuses.reduce((n, c) => n + c.restartCount, 0),
        p.metadata.labels?.["pod-template-generation"] ?? "",
        age(p.metadata.creationTimestamp),
        h(
          "span",
          { class: "log-links" },
          ...p.spec.containers.map((c) =>
            link(routes.logs(ns, p.metadata.name ?? "", c.name), c.name, "log-link"),
          ),
        ),
      ];
    }),
    "data pods",
  );
}

export function showNode(root: HTMLElement, signal: AbortSignal, name: string): void {
  const summary = h("div", { class: "panel" }, h("p", { text: "loading…" }));
  const labelBox = section("Labels");
  const taintBox = section("Taints");
  const condBox = section("Conditions");
  const podBox = section("Pods");
  const eventBox = section("Recent events");
  fill(
    root,
    h(
      "div",
      { class: "page" },
      h("p", { class: "crumbs" }, link(routes.grid(), "Fleet"), " / Node"),
      h("h1", { text: name }),
      summary,
      labelBox,
      taintBox,
      condBox,
      podBox,
      eventBox,
    ),
  );

  const refreshEvents = throttle(() => {
    if (signal.aborted) return;
    const sel = `involvedObject.kind=Node,involvedObject.name=${name}`;
    getJson<{ items: KubeEvent[] }>(`/api/v1/events${query({ fieldSelector: sel })}`, { signal }).then(
      (list) => fill(eventBox, h("h2", { text: "Recent events" }), eventsTable(recentEvents(list.items))),
      () => {},
    );
  }, 2000);

  void watchList<Node>("/api/v1/nodes", { fieldSelector: `metadata.name=${name}` }, signal, (items) => {
    const node = items[0];
    if (!node) {
      fill(summary, h("p", { class: "error", text: `node "${name}" not found` }));
      return;
    }
    fill(summary, nodeSummary(node));
    fill(labelBox, h("h2", { text: "Labels" }), labels(node));
    fill(
      taintBox,
      h("h2", { text: "Taints" }),
      table(
        ["Key", "Value", "Effect", "Since"],
        (node.spec.taints ?? []).map((t) => [t.key, t.value ?? "", t.effect, age(t.timeAdded)]),
      ),
    );
    fill(
      condBox,
      h("h2", { text: "Conditions" }),
      table(
        ["Type", "Status", "Reason", "Message", "Heartbeat", "Since"],
        (node.status?.conditions ?? []).map((c) => [
          c.type,
          c.status,
          c.reason ?? "",
          c.message ?? "",
          age(c.lastHeartbeatTime),
          age(c.lastTransitionTime),
        ]),
      ),
    );
    refreshEvents();
  });
  void watchList<Pod>("/api/v1/pods", { fieldSelector: `spec.nodeName=${name}` }, signal, (pods) => {
    fill(podBox, h("h2", { text: `Pods (${pods.length})` }), podRows(pods));
    refreshEvents();
  });
}
