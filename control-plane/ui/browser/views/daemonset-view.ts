// A DaemonSet's page: its rollout (numbers, conditions, pods per revision), pause and resume
// (`spec.updateStrategy.rollingUpdate.paused`, as `everynode rollout pause|resume` patches
// it), roll back (as `kubectl rollout undo` does), its revisions and recent events. Live
// over a watch of the DaemonSet; what hangs off it is refreshed at most once a second.

import type { ControllerRevision, DaemonSet, KubeEvent } from "../../../../shared/api-types.js";
import { planRollback, revisionsOf } from "../../rollback-plan.js";
import type { RevisionGroup } from "../../grid-protocol.js";
import { getJson, patch, query } from "../api.js";
import { age, fill, h, link, section, table } from "../dom.js";
import { routes } from "../routes.js";
import { throttle, watchList } from "../watch.js";
import { eventsTable, recentEvents } from "./events.js";

function numbers(ds: DaemonSet): HTMLElement {
  const st = ds.status;
  const r = st?.rollout;
  const rows: [string, string | number | undefined][] = [
    ["Desired", st?.desiredNumberScheduled],
    ["Current", st?.currentNumberScheduled],
    ["Ready", st?.numberReady],
    ["Available", st?.numberAvailable],
    ["Unavailable", st?.numberUnavailable],
    ["Updated", st?.updatedNumberScheduled],
    ["Misscheduled", st?.numberMisscheduled],
    ["Update revision", r ? `${r.updateRevision} (${r.updateHash})` : undefined],
    [
      "Stable revision",
      r?.stableRevision !== undefined ? `${r.stableRevision} (${r.stableHash ?? ""})` : undefined,
    ],
    ["Nodes new / old / held back", r ? `${r.updatedNodes} / ${r.oldNodes} / ${r.heldBackNodes}` : undefined],
    ["Strategy", ds.spec.updateStrategy?.type ?? "RollingUpdate"],
  ];
  return h(
    "dl",
    { class: "numbers", id: "ds-numbers" },
    ...rows
      .filter(([, v]) => v !== undefined)
      .flatMap(([k, v]) => [h("dt", { text: k }), h("dd", { text: String(v) })]),
  );
}

function conditions(ds: DaemonSet): HTMLElement {
  const list = ds.status?.conditions ?? [];
  const stop = ds.status?.rollout?.stop;
  return section(
    "Conditions",
    table(
      ["Type", "Status", "Reason", "Message", "Since"],
      list.map((c) => [c.type, c.status, c.reason ?? "", c.message ?? "", age(c.lastTransitionTime)]),
    ),
    stop?.active
      ? h("p", { class: "warning", text: `Stopped by the controller: ${stop.reason}: ${stop.message}` })
      : null,
  );
}

function groupsTable(groups: RevisionGroup[]): HTMLElement {
  return table(
    ["Revision", "Role", "Pods", "Ready", "Terminating", "Nodes"],
    groups.map((g) => [
      `${g.revision} (${g.hash})`,
      g.role,
      g.pods,
      g.ready,
      g.terminating,
      h(
        "span",
        {},
        ...g.nodes.flatMap((n, i) => [i > 0 ? ", " : "", link(routes.node(n), n)]),
        g.more > 0 ? ` and ${g.more} more` : "",
      ),
    ]),
    "data groups",
  );
}

export function showDaemonSet(root: HTMLElement, signal: AbortSignal, namespace: string, name: string): void {
  const base = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/daemonsets`;
  const path = `${base}/${encodeURIComponent(name)}`;
  let current: DaemonSet | undefined;
  const message = h("p", { class: "message", id: "ds-message", attrs: { role: "status" } });
  const say = (text: string, error = false): void => {
    message.textContent = text;
    message.className = error ? "message error" : "message";
  };
  const pause = h("button", { type: "button", id: "pause", text: "Pause rollout" });
  const resume = h("button", { type: "button", id: "resume", text: "Resume rollout" });
  const undo = h("button", { type: "button", id: "rollback", text: "Roll back" });
  const summary = h("div", { class: "panel" });
  const conds = h("div");
  const groups = section("Pods per revision", h("p", { text: "loading…" }));
  const history = section("Revisions");
  const events = section("Recent events");
  fill(
    root,
    h(
      "div",
      { class: "page" },
      h("p", { class: "crumbs" }, link(routes.grid(), "Fleet"), ` / DaemonSet ${namespace}/`),
      h("h1", { text: name }),
      h("div", { class: "actions" }, pause, resume, undo),
      message,
      summary,
      conds,
      groups,
      history,
      events,
    ),
  );

  const setPaused = async (paused: boolean): Promise<void> => {
    try {
      await patch(path, { spec: { updateStrategy: { rollingUpdate: { paused } } } }, "merge");
      say(`daemonset.apps/${name} ${paused ? "paused" : "resumed"}`);
    } catch (e) {
      say((e as Error).message, true);
    }
  };
  pause.addEventListener("click", () => void setPaused(true));
  resume.addEventListener("click", () => void setPaused(false));

  const revisions = async (): Promise<ControllerRevision[]> => {
    const list = await getJson<{ items: ControllerRevision[] }>(
      `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/controllerrevisions`,
      { signal },
    );
    return current ? revisionsOf(current, list.items) : [];
  };
  const rollBack = async (toRevision: number): Promise<void> => {
    if (!current) return;
    try {
      const plan = planRollback(current, await revisions(), toRevision);
      if (plan.kind === "skip") return say(plan.message);
      const target = toRevision === 0 ? "the previous revision" : `revision ${plan.revision}`;
      if (!confirm(`Roll back ${name} to ${target} (revision ${plan.revision})?`)) return;
      await patch(path, plan.patch, "strategic");
      say(`daemonset.apps/${name} rolled back to revision ${plan.revision}`);
    } catch (e) {
      say((e as Error).message, true);
    }
  };
  undo.addEventListener("click", () => void rollBack(0));

  const refreshExtras = throttle(() => {
    const ds = current;
    if (!ds || signal.aborted) return;
    getJson<{ groups: RevisionGroup[] }>(
      `/ui/api/rollout/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      { signal },
    ).then(
      (g) => fill(groups, h("h2", { text: "Pods per revision" }), groupsTable(g.groups)),
      () => {},
    );
    revisions().then(
      (revs) => {
        const currentHash = ds.status?.rollout?.updateHash;
        fill(
          history,
          h("h2", { text: "Revisions" }),
          table(
            ["Revision", "Name", "Change cause", "Age", ""],
            [...revs].reverse().map((r) => [
              r.revision,
              r.metadata.name ?? "",
              r.metadata.annotations?.["kubernetes.io/change-cause"] ?? "",
              age(r.metadata.creationTimestamp),
              r.metadata.labels?.["controller-revision-hash"] === currentHash
                ? "current"
                : h("button", {
                    type: "button",
                    text: "Roll back to this",
                    on: { click: () => void rollBack(r.revision) },
                  }),
            ]),
            "data revisions",
          ),
        );
      },
      () => {},
    );
    const sel = `involvedObject.kind=DaemonSet,involvedObject.name=${name}`;
    getJson<{ items: KubeEvent[] }>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/events${query({ fieldSelector: sel })}`,
      { signal },
    ).then(
      (list) => fill(events, h("h2", { text: "Recent events" }), eventsTable(recentEvents(list.items))),
      () => {},
    );
  }, 1000);

  void watchList<DaemonSet>(
    base,
    { fieldSelector: `metadata.name=${name}` },
    signal,
    (items) => {
      current = items[0];
      if (!current) {
        fill(summary, h("p", { class: "error", text: `daemonsets.apps "${name}" not found` }));
        return;
      }
      const rolling = (current.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
      const paused = current.spec.updateStrategy?.rollingUpdate?.paused === true;
      pause.disabled = !rolling || paused;
      resume.disabled = !rolling || !paused;
      fill(
        summary,
        h(
          "h2",
          {},
          "Rollout ",
          paused ? h("span", { class: "badge paused", id: "paused-badge", text: "paused" }) : null,
        ),
        numbers(current),
      );
      fill(conds, conditions(current));
      refreshExtras();
    },
    (e) => say(`watch: ${(e as Error).message}`, true),
  );
}
