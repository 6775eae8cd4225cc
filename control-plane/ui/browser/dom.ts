// Building the page: elements with text, never HTML. Everything the dashboard shows comes
// from the fleet (labels, messages, logs), so no string is ever parsed as markup; the page's
// Content-Security-Policy enforces it (Trusted Types with no policy).

type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  title?: string;
  href?: string;
  id?: string;
  type?: string;
  /** Other attributes (data-*, aria-*, for, ...). */
  attrs?: Record<string, string>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

/** An element with properties and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  if (props.title) el.title = props.title;
  if (props.href !== undefined) el.setAttribute("href", props.href);
  if (props.type) el.setAttribute("type", props.type);
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [event, fn] of Object.entries(props.on ?? {})) el.addEventListener(event, fn as EventListener);
  if (props.text !== undefined) el.textContent = props.text;
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(
      typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c,
    );
  }
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A table with a header row and one row per item. */
export function table(headers: string[], rows: Child[][], cls = "data"): HTMLTableElement {
  return h(
    "table",
    { class: cls },
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", { text: x })))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))),
  );
}

/** A link to a dashboard route. */
export function link(route: string, text: string, cls?: string): HTMLAnchorElement {
  return h("a", { href: `#${route}`, text, class: cls });
}

/** A section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel" }, h("h2", { text: title }), ...children);
}

/** How long ago an RFC 3339 time was, as kubectl prints ages. */
export function age(time: string | undefined, now = Date.now()): string {
  if (!time) return "";
  const t = Date.parse(time);
  if (Number.isNaN(t)) return "";
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const hours = Math.floor(m / 60);
  return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}
