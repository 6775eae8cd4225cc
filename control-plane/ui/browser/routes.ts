// The dashboard's pages live in the URL's fragment (#/...), which the browser never sends
// to the server. Filters may be there too; the token never is.

export type Route =
  | { page: "grid"; labelSelector: string; daemonSets: string[]; problems: boolean }
  | { page: "daemonset"; namespace: string; name: string }
  | { page: "node"; name: string }
  | { page: "logs"; namespace: string; pod: string; container?: string };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [pathPart = "", queryPart = ""] = raw.split("?", 2);
  const q = new URLSearchParams(queryPart);
  const parts = pathPart.split("/").filter(Boolean).map(decodeURIComponent);
  const [page, a, b] = parts;
  if (page === "ds" && a && b) return { page: "daemonset", namespace: a, name: b };
  if (page === "node" && a) return { page: "node", name: a };
  if (page === "logs" && a && b) {
    const container = q.get("container") ?? undefined;
    return container
      ? { page: "logs", namespace: a, pod: b, container }
      : { page: "logs", namespace: a, pod: b };
  }
  return {
    page: "grid",
    labelSelector: q.get("labelSelector") ?? "",
    daemonSets: (q.get("daemonsets") ?? "").split(",").filter(Boolean),
    problems: q.get("problems") === "1",
  };
}

const enc = encodeURIComponent;

export const routes = {
  grid: (f: { labelSelector?: string; daemonSets?: string[]; problems?: boolean } = {}): string => {
    const q = new URLSearchParams();
    if (f.labelSelector) q.set("labelSelector", f.labelSelector);
    if (f.daemonSets?.length) q.set("daemonsets", f.daemonSets.join(","));
    if (f.problems) q.set("problems", "1");
    const s = q.toString();
    return s ? `/?${s}` : "/";
  },
  daemonSet: (namespace: string, name: string): string => `/ds/${enc(namespace)}/${enc(name)}`,
  node: (name: string): string => `/node/${enc(name)}`,
  logs: (namespace: string, pod: string, container?: string): string =>
    `/logs/${enc(namespace)}/${enc(pod)}${container ? `?container=${enc(container)}` : ""}`,
};
