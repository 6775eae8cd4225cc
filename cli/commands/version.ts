// `everynode version`, `everynode kubeconfig` and `everynode cluster-info`.

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "../command.js";
import { bool, str } from "../command.js";
import { EverynodeError } from "../../shared/errors.js";
import { EVERYNODE_VERSION } from "../../shared/version.js";
import { defaultServerDataDir } from "../kubeconfig.js";
import { toJson, toYaml } from "../printers/object-printer.js";

export const versionCommand: Command = {
  name: "version",
  summary: "Print the client and server version information",
  usage: "everynode version [--client] [-o json|yaml]",
  flags: [
    { name: "client", type: "boolean", description: "only the client's version" },
    { name: "output", short: "o", type: "string", description: "json or yaml" },
  ],
  async run(env, p) {
    const out = str(p, "output");
    const client = { everynodeVersion: EVERYNODE_VERSION };
    let server: Record<string, string> | undefined;
    let failure: unknown;
    if (!bool(p, "client")) {
      try {
        server = await env.client().json<Record<string, string>>("GET", "/version");
      } catch (e) {
        failure = e;
      }
    }
    if (out === "json" || out === "yaml") {
      const doc = { clientVersion: client, ...(server ? { serverVersion: server } : {}) };
      env.io.out(out === "json" ? toJson(doc) : toYaml(doc));
    } else {
      env.io.out(`Client Version: v${EVERYNODE_VERSION}\n`);
      if (server) env.io.out(`Server Version: ${server.gitVersion ?? "unknown"}\n`);
    }
    if (failure) throw failure;
    return 0;
  },
};

export const kubeconfigCommand: Command = {
  name: "kubeconfig",
  summary: "Print the admin kubeconfig the server wrote",
  usage: "everynode kubeconfig [--data-dir DIR]",
  flags: [{ name: "data-dir", type: "string", description: "the server's data directory" }],
  async run(env, p) {
    const file = path.join(str(p, "data-dir") ?? defaultServerDataDir(), "kubeconfig.yaml");
    try {
      env.io.out(readFileSync(file, "utf8"));
    } catch (e) {
      throw new EverynodeError(
        "NotFound",
        `cannot read ${file}: is the server running on this host? (--data-dir sets where it keeps its data)`,
        {
          cause: e,
        },
      );
    }
    return 0;
  },
};

export const clusterInfoCommand: Command = {
  name: "cluster-info",
  summary: "Display the address of the control plane",
  usage: "everynode cluster-info",
  flags: [],
  async run(env) {
    const client = env.client();
    await client.json("GET", "/version");
    env.io.out(`everynode control plane is running at ${client.baseUrl}\n`);
    return 0;
  },
};
