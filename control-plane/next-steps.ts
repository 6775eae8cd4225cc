// What a person does after `everynode server` is ready, printed under the log lines as k3s
// does: point kubectl at the admin kubeconfig, look at the nodes, join another machine.

import { realpathSync } from "node:fs";
import os, { type NetworkInterfaceInfo } from "node:os";
import path from "node:path";
import type { ServerConfig } from "./config.js";

const ANY = new Set(["0.0.0.0", "::", ""]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** The address other machines reach the server at; undefined when it listens on loopback only. */
export function joinHost(
  listenHost: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string | undefined {
  if (LOOPBACK.has(listenHost)) return undefined;
  if (!ANY.has(listenHost)) return listenHost;
  for (const list of Object.values(interfaces))
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return undefined;
}

/**
 * How the person who started the server runs everynode: `everynode` when that is on the PATH,
 * else the path they typed (`./bin/everynode` in a checkout).
 */
export function cliCommand(opts: {
  scriptPath: string;
  cwd: string;
  pathDirs: string[];
  realpath: (p: string) => string | undefined;
}): string {
  const real = opts.realpath(opts.scriptPath);
  if (real && opts.pathDirs.some((d) => d && opts.realpath(path.join(d, "everynode")) === real))
    return "everynode";
  const rel = path.relative(opts.cwd, opts.scriptPath);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? `./${rel}` : opts.scriptPath;
}

export interface NextStepsInput {
  kubeconfigPath: string;
  joinTokenPath: string;
  adminTokenPath: string;
  port: number;
  /** Where other machines reach this server (joinHost), if anywhere. */
  host: string | undefined;
  cli: string;
}

/** The lines printed once the server is ready (plain text, for people). */
export function nextSteps(i: NextStepsInput): string {
  const hostPart = (h: string): string => (h.includes(":") ? `[${h}]` : h);
  const lines = [
    "",
    "To use the cluster:",
    `  export KUBECONFIG=${i.kubeconfigPath}`,
    `  kubectl get nodes        # or: ${i.cli} get nodes`,
    `The dashboard: https://${i.host ? hostPart(i.host) : "127.0.0.1"}:${i.port}/ui/ (log in with the admin token: ${i.adminTokenPath})`,
  ];
  if (i.host) {
    lines.push(
      `To join another machine, copy ${i.joinTokenPath} to it and run there:`,
      `  everynode agent --server https://${hostPart(i.host)}:${i.port} --token-file join-token`,
    );
  } else {
    lines.push(
      `To join an agent on this machine (others cannot reach a server that listens on loopback only):`,
      `  ${i.cli} agent --server https://127.0.0.1:${i.port} --token-file ${i.joinTokenPath} --name NAME --data-dir DIR`,
    );
  }
  lines.push("");
  return lines.join("\n") + "\n";
}

/** nextSteps for this process: its data dir's files, the host's addresses, how it was run. */
export function serverNextSteps(config: ServerConfig, port: number): string {
  return nextSteps({
    kubeconfigPath: path.join(config.dataDir, "kubeconfig.yaml"),
    joinTokenPath: path.join(config.dataDir, "join-token"),
    adminTokenPath: path.join(config.dataDir, "admin-token"),
    port,
    host: joinHost(config.listenHost, os.networkInterfaces()),
    cli: cliCommand({
      scriptPath: process.argv[1] ?? "everynode",
      cwd: process.cwd(),
      pathDirs: (process.env.PATH ?? "").split(path.delimiter),
      realpath: (p) => {
        try {
          return realpathSync(p);
        } catch {
          return undefined;
        }
      },
    }),
  });
}
