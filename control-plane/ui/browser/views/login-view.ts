// The login: the admin token (the data dir's admin-token file, or the kubeconfig's), tried
// against /ui/api/whoami before it is kept. The field has no name, so that even a form
// submitted without this script carries no token anywhere.

import { ApiError, getJson, setToken } from "../api.js";
import { fill, h } from "../dom.js";

export function showLogin(root: HTMLElement, done: () => void): void {
  const input = h("input", {
    id: "token",
    type: "password",
    attrs: { autocomplete: "off", spellcheck: "false", required: "", "aria-label": "Admin token" },
  });
  const error = h("p", { class: "error", attrs: { role: "alert" } });
  const form = h(
    "form",
    { class: "login", attrs: { method: "post", action: "#" } },
    h("h1", { text: "everynode" }),
    h("label", { text: "Admin token", attrs: { for: "token" } }),
    input,
    h("p", {
      class: "hint",
      text: "The admin-token file in the server's data dir (or the token of the kubeconfig it wrote). It is kept in this tab only, until you log out or close it.",
    }),
    h("button", { type: "submit", text: "Log in" }),
    error,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const candidate = input.value.trim();
    if (!candidate) return;
    error.textContent = "";
    getJson<{ user: string }>("/ui/api/whoami", { token: candidate }).then(
      () => {
        setToken(candidate);
        input.value = "";
        done();
      },
      (err: unknown) => {
        error.textContent =
          err instanceof ApiError && err.status === 401
            ? "This token was not accepted."
            : err instanceof ApiError && err.status === 403
              ? "This token may not use the dashboard (the admin token may)."
              : `Could not log in: ${(err as Error).message}`;
      },
    );
  });
  fill(root, form);
  input.focus();
}
