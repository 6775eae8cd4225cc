// The dashboard's entry point: the login until a token is accepted, then one page at a time
// (the fleet grid, a DaemonSet, a node, a pod's logs) chosen by the URL's fragment. Leaving a
// page aborts everything it streams.

import { clearToken, getJson, token, whenUnauthorized } from "./api.js";
import { fill, h, link } from "./dom.js";
import { parseRoute, routes } from "./routes.js";
import { showDaemonSet } from "./views/daemonset-view.js";
import { showGrid } from "./views/grid-view.js";
import { showLogin } from "./views/login-view.js";
import { showLogs } from "./views/logs-view.js";
import { showNode } from "./views/node-view.js";

const main = document.getElementById("main") as HTMLElement;
const nav = document.getElementById("nav") as HTMLElement;
let page: AbortController | undefined;

function logout(): void {
  clearToken();
  render();
}

function showNav(signal: AbortSignal): void {
  const user = h("span", { class: "user" });
  fill(
    nav,
    link(routes.grid(), "Fleet"),
    user,
    h("button", { type: "button", id: "logout", text: "Log out", on: { click: logout } }),
  );
  getJson<{ user: string }>("/ui/api/whoami", { signal }).then(
    (w) => (user.textContent = w.user),
    () => {},
  );
}

function render(): void {
  page?.abort();
  page = new AbortController();
  const signal = page.signal;
  if (!token()) {
    fill(nav);
    showLogin(main, render);
    return;
  }
  showNav(signal);
  const route = parseRoute(location.hash);
  switch (route.page) {
    case "grid":
      showGrid(main, signal, route);
      break;
    case "daemonset":
      showDaemonSet(main, signal, route.namespace, route.name);
      break;
    case "node":
      showNode(main, signal, route.name);
      break;
    case "logs":
      showLogs(main, signal, route.namespace, route.pod, route.container);
      break;
  }
}

whenUnauthorized(() => {
  clearToken();
  render();
});
window.addEventListener("hashchange", render);
render();
