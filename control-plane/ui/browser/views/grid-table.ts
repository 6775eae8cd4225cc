// The fleet grid, virtualised: the body is as tall as all its rows, but only the rows in
// view (and a few around) exist as elements, reused as the view scrolls. 10,000 nodes cost
// a few dozen rows of DOM.

import type { GridClientState } from "../../grid-client.js";
import {
  CELL_LABEL,
  CELL_STATES,
  type CellState,
  type GridColumn,
  type GridRow,
} from "../../grid-protocol.js";
import { fill, h, link } from "../dom.js";
import { routes } from "../routes.js";

export const ROW_HEIGHT = 26;
const OVERSCAN = 8;
const NODE_COLUMNS = "minmax(12rem, 16rem) 7rem";

/** The short word a cell shows (the colour and the title say the rest). */
export const CELL_TEXT: Readonly<Record<CellState, string>> = {
  ready: "ready",
  running: "not ready",
  updating: "old rev",
  crashloop: "crashloop",
  failing: "failing",
  pending: "pending",
  terminating: "terminating",
  missing: "missing",
  ineligible: "–",
};

function nodeText(code: string): string {
  const base = code.startsWith("R") ? "Ready" : code.startsWith("N") ? "NotReady" : "Unknown";
  return code.endsWith("c") ? `${base}, cordoned` : base;
}

export class GridTable {
  readonly element: HTMLElement;
  private readonly head = h("div", { class: "grid-head", attrs: { role: "row" } });
  private readonly body = h("div", { class: "grid-body", attrs: { role: "rowgroup" } });
  private readonly pool: { el: HTMLElement; key: string }[] = [];
  private frame = 0;
  private columnsKey = "";

  constructor(
    private readonly state: GridClientState,
    private readonly onHover: (text: string) => void,
  ) {
    this.element = h(
      "div",
      { class: "grid-scroll", id: "grid", attrs: { role: "grid" } },
      this.head,
      this.body,
    );
    this.element.addEventListener("scroll", () => this.schedule());
    this.element.addEventListener("mouseover", (e) => this.hover(e));
    this.element.addEventListener("focusin", (e) => this.hover(e));
    window.addEventListener("resize", () => this.schedule());
  }

  /** Redraws at the next frame (many changes between two frames cost one redraw). */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  stop(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
  }

  private template(): string {
    return `${NODE_COLUMNS} repeat(${this.state.columns.length}, minmax(7.5rem, 11rem))`;
  }

  private render(): void {
    const cols = this.state.columns;
    const key = JSON.stringify(cols) + JSON.stringify(this.state.counts());
    if (key !== this.columnsKey) {
      this.columnsKey = key;
      this.renderHead(cols);
    }
    const order = this.state.order;
    this.body.style.height = `${order.length * ROW_HEIGHT}px`;
    const top = this.element.scrollTop;
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(order.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    while (this.pool.length < last - first) {
      const el = h("div", { class: "grid-row", attrs: { role: "row" } });
      this.body.appendChild(el);
      this.pool.push({ el, key: "" });
    }
    for (let i = 0; i < this.pool.length; i++) {
      const slot = this.pool[i] as { el: HTMLElement; key: string };
      const name = order[first + i];
      const row = name === undefined ? undefined : this.state.row(name);
      if (!row) {
        slot.el.hidden = true;
        continue;
      }
      slot.el.hidden = false;
      slot.el.style.transform = `translateY(${(first + i) * ROW_HEIGHT}px)`;
      const rowKey = `${this.state.epoch}|${cols.map((c) => c.uid).join()}|${JSON.stringify(row)}`;
      if (slot.key !== rowKey) {
        slot.key = rowKey;
        this.fillRow(slot.el, row);
      }
    }
  }

  private renderHead(cols: GridColumn[]): void {
    const counts = this.state.counts();
    this.head.style.gridTemplateColumns = this.template();
    fill(
      this.head,
      h("div", { class: "head-cell", text: "Node" }),
      h("div", { class: "head-cell", text: "Status" }),
      ...cols.map((c, i) => {
        const n = counts[i];
        const problems = n
          ? CELL_STATES.filter((s) => s !== "ready" && s !== "ineligible" && n[s] > 0).map(
              (s) => `${n[s]} ${CELL_TEXT[s]}`,
            )
          : [];
        return h(
          "div",
          {
            class: "head-cell ds",
            title: c.progressing?.message ?? "",
            attrs: { "data-daemonset": `${c.namespace}/${c.name}` },
          },
          link(routes.daemonSet(c.namespace, c.name), c.name, "ds-link"),
          h("span", { class: "ds-numbers", text: `${c.ready}/${c.desired} ready · ${c.updated} updated` }),
          c.paused ? h("span", { class: "badge paused", text: "paused" }) : null,
          c.progressing?.reason && c.progressing.reason !== "RolloutComplete"
            ? h("span", { class: "badge", text: c.progressing.reason })
            : null,
          problems.length > 0 ? h("span", { class: "ds-problems", text: problems.join(", ") }) : null,
        );
      }),
    );
  }

  private fillRow(el: HTMLElement, row: GridRow): void {
    const [name, nodeCode] = row;
    el.style.gridTemplateColumns = this.template();
    el.dataset.node = name;
    const cols = this.state.columns;
    fill(
      el,
      link(routes.node(name), name, "node-name"),
      h("span", { class: `node-state n-${nodeCode.charAt(0)}`, text: nodeText(nodeCode) }),
      ...cols.map((c, i) => {
        const { state, reason } = this.state.cell(row, i);
        const s = state ?? "pending";
        const title = `${c.name} on ${name}: ${CELL_LABEL[s]}${reason ? ` — ${reason}` : ""}`;
        return h("a", {
          class: `cell s-${s}`,
          href: `#${routes.node(name)}`,
          title,
          text: CELL_TEXT[s],
          attrs: { "data-state": s, "data-daemonset": `${c.namespace}/${c.name}`, "aria-label": title },
        });
      }),
    );
  }

  private hover(e: Event): void {
    const target = e.target as HTMLElement | null;
    const cell = target?.closest?.(".cell") as HTMLElement | null;
    if (cell) this.onHover(cell.title);
  }
}
