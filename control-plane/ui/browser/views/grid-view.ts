// The fleet page: filters, the legend with totals, and the grid, live over the server's grid
// stream (/ui/api/grid), which computes the cells and sends compact changes at most ten
// times a second. The stream reconnects by itself; the server then sends a fresh snapshot.

import type { DaemonSet } from "../../../../shared/api-types.js";
import { GridClientState } from "../../grid-client.js";
import { CELL_LABEL, CELL_STATES, GRID_PATH, type GridMessage } from "../../grid-protocol.js";
import { getJson, query, sleep, streamLines } from "../api.js";
import { fill, h } from "../dom.js";
import { routes, type Route } from "../routes.js";
import { CELL_TEXT, GridTable } from "./grid-table.js";

type GridRoute = Extract<Route, { page: "grid" }>;

function filtersForm(route: GridRoute, signal: AbortSignal): HTMLFormElement {
  const selector = h("input", {
    id: "label-selector",
    type: "text",
    attrs: {
      placeholder: "node labels, e.g. zone=a,gpu",
      spellcheck: "false",
      "aria-label": "Node label selector",
    },
  });
  selector.value = route.labelSelector;
  const problems = h("input", { id: "problems-only", type: "checkbox" });
  problems.checked = route.problems;
  const dsList = h("div", { class: "ds-choices" });
  const form = h(
    "form",
    { class: "filters", attrs: { role: "search" } },
    h("label", { text: "Nodes", attrs: { for: "label-selector" } }),
    selector,
    h("details", { class: "ds-filter" }, h("summary", { text: "DaemonSets" }), dsList),
    h("label", { class: "check" }, problems, " problems only"),
    h("button", { type: "submit", text: "Apply" }),
  );
  getJson<{ items: DaemonSet[] }>("/apis/apps/v1/daemonsets", { signal }).then(
    (list) => {
      const chosen = new Set(route.daemonSets);
      fill(
        dsList,
        ...list.items.map((ds) => {
          const key = `${ds.metadata.namespace ?? ""}/${ds.metadata.name ?? ""}`;
          const box = h("input", { type: "checkbox", attrs: { value: key } });
          box.checked = chosen.size === 0 || chosen.has(key);
          return h("label", { class: "check" }, box, ` ${key}`);
        }),
      );
    },
    () => {},
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const boxes = [...dsList.querySelectorAll<HTMLInputElement>("input[type=checkbox]")];
    const picked = boxes.filter((b) => b.checked).map((b) => b.value);
    location.hash = routes.grid({
      labelSelector: selector.value.trim(),
      daemonSets: picked.length === boxes.length ? [] : picked,
      problems: problems.checked,
    });
  });
  return form;
}

function legend(state: GridClientState): HTMLElement {
  const totals = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<string, number>;
  for (const c of state.counts()) for (const s of CELL_STATES) totals[s] = (totals[s] ?? 0) + c[s];
  return h(
    "ul",
    { class: "legend" },
    ...CELL_STATES.map((s) =>
      h(
        "li",
        { title: CELL_LABEL[s], attrs: { "data-state": s } },
        h("span", { class: `swatch s-${s}`, text: s === "ineligible" ? "not placed" : CELL_TEXT[s] }),
        ` ${totals[s] ?? 0}`,
      ),
    ),
  );
}

export function showGrid(root: HTMLElement, signal: AbortSignal, route: GridRoute): void {
  const state = new GridClientState();
  const status = h("p", {
    class: "status",
    id: "grid-status",
    attrs: { "aria-live": "polite" },
    text: "connecting…",
  });
  const detail = h("p", {
    class: "detail",
    id: "cell-detail",
    text: "Hover over a cell to see why it is so.",
  });
  const legendBox = h("div", { class: "legend-box" });
  const grid = new GridTable(state, (text) => (detail.textContent = text));
  fill(
    root,
    h("div", { class: "grid-page" }, filtersForm(route, signal), legendBox, status, grid.element, detail),
  );

  // One redraw per frame however many messages came (the server sends ten batches a second at most).
  let frame = 0;
  const refresh = (): void => {
    grid.schedule();
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      fill(legendBox, legend(state));
      status.textContent = state.synced
        ? `live · ${state.size} of ${state.totalNodes} nodes shown · ${state.columns.length} DaemonSets · updated ${new Date().toLocaleTimeString()}`
        : `loading… ${state.size} nodes`;
    });
  };
  signal.addEventListener("abort", () => {
    grid.stop();
    cancelAnimationFrame(frame);
  });

  const path =
    GRID_PATH +
    query({
      labelSelector: route.labelSelector,
      daemonsets: route.daemonSets.join(","),
      problems: route.problems ? "true" : undefined,
    });
  void (async () => {
    let delay = 500;
    while (!signal.aborted) {
      try {
        await streamLines(path, signal, (line) => {
          const m = JSON.parse(line) as GridMessage;
          if (m.t === "synced") delay = 500;
          if (state.apply(m)) refresh();
        });
        if (!signal.aborted) status.textContent = "the stream ended; reconnecting…";
      } catch (e) {
        if (signal.aborted) return;
        status.textContent = `${(e as Error).message} (retrying)`;
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, 10_000);
    }
  })();
}
