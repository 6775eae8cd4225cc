// A container's logs, streamed as `kubectl logs -f` streams them (the API's log endpoint,
// relayed from the node's agent). The page keeps the last MAX_CHARS of text and follows
// the end unless the reader scrolled up; Reload (or another container or option) reads again.

import type { Pod } from "../../../../shared/api-types.js";
import { getJson, query, request, streamText } from "../api.js";
import { fill, h, link } from "../dom.js";
import { routes } from "../routes.js";

const MAX_CHARS = 1_000_000;

export function showLogs(
  root: HTMLElement,
  signal: AbortSignal,
  namespace: string,
  pod: string,
  container?: string,
): void {
  const podPath = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
  const out = h("pre", { class: "logs", id: "logs", attrs: { tabindex: "0", "aria-live": "off" } });
  const status = h("p", { class: "status", id: "logs-status", text: "connecting…" });
  const follow = h("input", { type: "checkbox", id: "follow" });
  follow.checked = true;
  const timestamps = h("input", { type: "checkbox", id: "timestamps" });
  const picker = h("select", { id: "container", attrs: { "aria-label": "Container" } });
  const reload = h("button", { type: "button", id: "reload-logs", text: "Reload" });
  const nodeLink = h("span");
  fill(
    root,
    h(
      "div",
      { class: "page logs-page" },
      h("p", { class: "crumbs" }, link(routes.grid(), "Fleet"), " / ", nodeLink, `Pod ${namespace}/`),
      h("h1", { text: pod }),
      h(
        "div",
        { class: "actions" },
        picker,
        h("label", { class: "check" }, follow, " follow"),
        h("label", { class: "check" }, timestamps, " timestamps"),
        reload,
      ),
      status,
      out,
    ),
  );

  let stream: AbortController | undefined;
  signal.addEventListener("abort", () => stream?.abort());
  const start = (): void => {
    stream?.abort();
    stream = new AbortController();
    const s = stream.signal;
    const params = {
      container: picker.value || container,
      follow: follow.checked ? "true" : undefined,
      timestamps: timestamps.checked ? "true" : undefined,
      tailLines: 1000,
    };
    void (async () => {
      try {
        status.textContent = follow.checked ? "following" : "reading";
        const res = await request(`${podPath}/log${query(params)}`, { signal: s });
        out.textContent = "";
        let chars = 0;
        await streamText(res, s, (chunk) => {
          const atEnd = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
          out.append(chunk);
          chars += chunk.length;
          while (chars > MAX_CHARS && out.firstChild) {
            chars -= out.firstChild.textContent?.length ?? 0;
            out.firstChild.remove();
          }
          if (atEnd) out.scrollTop = out.scrollHeight;
          return "";
        });
        // As `kubectl logs -f` ends when the container stops; Reload reads the next one's.
        if (!s.aborted)
          status.textContent = follow.checked
            ? "the stream ended (the container stopped?)"
            : "end of the logs";
      } catch (e) {
        if (!s.aborted) status.textContent = (e as Error).message;
      }
    })();
  };

  getJson<Pod>(podPath, { signal }).then(
    (p) => {
      fill(picker, ...p.spec.containers.map((c) => h("option", { text: c.name, attrs: { value: c.name } })));
      picker.value = container ?? p.spec.containers[0]?.name ?? "";
      if (p.spec.nodeName) fill(nodeLink, link(routes.node(p.spec.nodeName), p.spec.nodeName), " / ");
      start();
    },
    (e: unknown) => (status.textContent = (e as Error).message),
  );
  for (const control of [picker, follow, timestamps]) control.addEventListener("change", start);
  reload.addEventListener("click", start);
}
