// Which kubeconfig, which context, and what it says about the server: kubectl's rules,
// with everynode's own admin kubeconfig (written by the server) before ~/.kube/config.

import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { EverynodeError } from "../shared/errors.js";

/** The server's data dir: /var/lib/everynode/server as root, else ~/.local/share/everynode/server. */
export function defaultServerDataDir(
  env: NodeJS.ProcessEnv = process.env,
  uid = process.getuid?.() ?? 1000,
  home = os.homedir(),
): string {
  if (env.EVERYNODE_DATA_DIR) return env.EVERYNODE_DATA_DIR;
  return uid === 0 ? "/var/lib/everynode/server" : path.join(home, ".local/share/everynode/server");
}

/** Picks the kubeconfig file: --kubeconfig, then $KUBECONFIG's first file, then the server's, then ~/.kube/config. */
export function selectKubeconfigPath(opts: {
  flag?: string;
  env: NodeJS.ProcessEnv;
  serverDataDir: string;
  home: string;
  exists: (p: string) => boolean;
}): string | undefined {
  if (opts.flag) return opts.flag;
  const fromEnv = (opts.env.KUBECONFIG ?? "").split(path.delimiter).find((p) => p.length > 0);
  if (fromEnv) return fromEnv;
  const serverCfg = path.join(opts.serverDataDir, "kubeconfig.yaml");
  if (opts.exists(serverCfg)) return serverCfg;
  const home = path.join(opts.home, ".kube", "config");
  return opts.exists(home) ? home : undefined;
}

/** Everything needed to reach the API. */
export interface Connection {
  server: string;
  token?: string;
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  insecure: boolean;
  namespace: string;
  /** Whether the namespace came from a flag (kubectl's messages differ). */
  namespaceExplicit: boolean;
  /** The kubeconfig file, when the CLI found it by itself (no --kubeconfig, no KUBECONFIG). */
  foundKubeconfig?: string;
}

/** Overrides from the command line. */
export interface ConnectionFlags {
  context?: string;
  namespace?: string;
  server?: string;
  token?: string;
  insecure?: boolean;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  value?: T;
}

const fromB64 = (s: unknown): string | undefined =>
  typeof s === "string" && s ? Buffer.from(s, "base64").toString("utf8") : undefined;

/** Resolves a parsed kubeconfig (plus flags) into a Connection; `readFile` for -file references. */
export function resolveConnection(
  config: Record<string, unknown> | undefined,
  flags: ConnectionFlags,
  readFile: (p: string) => string,
  baseDir = ".",
): Connection {
  const cfg = config ?? {};
  const list = <T>(key: string, inner: string): Named<T>[] =>
    ((cfg[key] as Record<string, unknown>[] | undefined) ?? []).map((e) => ({
      name: String(e.name ?? ""),
      value: (e[inner] ?? {}) as T,
    }));
  const contextName = flags.context ?? (cfg["current-context"] as string | undefined);
  const contexts = list<Record<string, string>>("contexts", "context");
  const context = contexts.find((c) => c.name === contextName)?.value;
  if (flags.context && !context)
    throw new EverynodeError("Usage", `context was not found for specified context: ${flags.context}`);
  const cluster =
    list<Record<string, unknown>>("clusters", "cluster").find((c) => c.name === context?.cluster)?.value ??
    {};
  const user =
    list<Record<string, unknown>>("users", "user").find((u) => u.name === context?.user)?.value ?? {};
  const file = (p: unknown): string | undefined =>
    typeof p === "string" && p ? readFile(path.resolve(baseDir, p)) : undefined;
  const server = flags.server ?? (cluster.server as string | undefined);
  if (!server)
    throw new EverynodeError(
      "Unreachable",
      "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
    );
  const tokenFile = file(user.tokenFile);
  const conn: Connection = {
    server,
    insecure: flags.insecure ?? cluster["insecure-skip-tls-verify"] === true,
    namespace: flags.namespace ?? context?.namespace ?? "default",
    namespaceExplicit: flags.namespace !== undefined,
  };
  const token = flags.token ?? (user.token as string | undefined) ?? tokenFile?.trim();
  if (token) conn.token = token;
  const ca = fromB64(cluster["certificate-authority-data"]) ?? file(cluster["certificate-authority"]);
  if (ca) conn.ca = ca;
  const cert = fromB64(user["client-certificate-data"]) ?? file(user["client-certificate"]);
  const key = fromB64(user["client-key-data"]) ?? file(user["client-key"]);
  if (cert && key) {
    conn.clientCert = cert;
    conn.clientKey = key;
  }
  return conn;
}

/** Reads the selected kubeconfig from disk and resolves it. */
export function loadConnection(kubeconfigFlag: string | undefined, flags: ConnectionFlags): Connection {
  const chosen = selectKubeconfigPath({
    ...(kubeconfigFlag ? { flag: kubeconfigFlag } : {}),
    env: process.env,
    serverDataDir: defaultServerDataDir(),
    home: os.homedir(),
    exists: existsSync,
  });
  let config: Record<string, unknown> | undefined;
  if (chosen) {
    let text: string;
    try {
      text = readFileSync(chosen, "utf8");
    } catch (e) {
      if (kubeconfigFlag || process.env.KUBECONFIG)
        throw new EverynodeError("Usage", `stat ${chosen}: no such file or directory`, { cause: e });
      text = "";
    }
    config = (parse(text) as Record<string, unknown> | null) ?? undefined;
  }
  const conn = resolveConnection(
    config,
    flags,
    (p) => readFileSync(p, "utf8"),
    chosen ? path.dirname(chosen) : ".",
  );
  // Errors then name the file: it may be another cluster's, or a server's that is gone.
  const given = kubeconfigFlag || (process.env.KUBECONFIG ?? "").split(path.delimiter).some((p) => p);
  if (chosen && !given && config) conn.foundKubeconfig = chosen;
  return conn;
}
