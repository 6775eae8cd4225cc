// The files a user takes from the server's data dir: the admin kubeconfig, the admin token,
// the join token for agents and the read-only metrics token for Prometheus. Made on first start and reused afterwards; the kubeconfig
// is rewritten on every start because the port may change.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { formatJoinToken, splitBearer } from "../shared/join-token.js";
import type { Pki } from "./auth/pki.js";
import type { TokenService } from "./auth/tokens.js";
import { writeKubeconfig } from "./auth/kubeconfig.js";
import type { ServerConfig } from "./config.js";

export interface ServerFiles {
  /** The URL users reach the API at (written into the kubeconfig). */
  serverUrl: string;
  /** The URL this host's own agent uses. */
  localUrl: string;
  kubeconfigPath: string;
  joinTokenPath: string;
  joinToken: string;
  adminToken: string;
  /** Prometheus' bearer token file: it may read /metrics and nothing else. */
  metricsTokenPath: string;
}

const LOOPBACK_OR_ANY = new Set(["0.0.0.0", "::", "127.0.0.1", "localhost", "::1", ""]);

function readToken(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8").trim();
  return text || undefined;
}

export async function ensureServerFiles(input: {
  config: ServerConfig;
  port: number;
  pki: Pki;
  tokens: TokenService;
}): Promise<ServerFiles> {
  const { config, port, pki, tokens } = input;
  const dir = config.dataDir;

  // The token service keeps the admin token across restarts; the file is for people and scripts.
  const adminToken = tokens.ensureAdminToken();
  const adminTokenPath = path.join(dir, "admin-token");
  if (readToken(adminTokenPath) !== adminToken)
    writeFileSync(adminTokenPath, adminToken + "\n", { mode: 0o600 });

  const joinTokenPath = path.join(dir, "join-token");
  let joinToken = readToken(joinTokenPath);
  const bearer = joinToken?.split(".").slice(2).join(".");
  const stillValid =
    joinToken !== undefined &&
    joinToken.startsWith(`EN1.${pki.caHash}.`) &&
    bearer !== undefined &&
    splitBearer(bearer) !== undefined &&
    tokens.authenticate(bearer)?.kind === "join";
  if (!stillValid) {
    const created = tokens.createJoinToken({ description: "the server's default join token" });
    const parts = splitBearer(created.bearer);
    if (!parts) throw new Error("the token service made a malformed join token");
    joinToken = formatJoinToken({ caHash: pki.caHash, id: parts.id, secret: parts.secret });
    writeFileSync(joinTokenPath, joinToken + "\n", { mode: 0o600 });
  }

  const metricsTokenPath = path.join(dir, "metrics-token");
  const savedMetricsToken = readToken(metricsTokenPath);
  const metricsToken = tokens.ensureMetricsToken(savedMetricsToken);
  if (metricsToken !== savedMetricsToken)
    writeFileSync(metricsTokenPath, metricsToken + "\n", { mode: 0o600 });

  const host = LOOPBACK_OR_ANY.has(config.listenHost) ? "127.0.0.1" : config.listenHost;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const localUrl = `https://${hostPart}:${port}`;
  const serverUrl = config.externalUrl ?? localUrl;
  const kubeconfigPath = path.join(dir, "kubeconfig.yaml");
  await writeKubeconfig(kubeconfigPath, { server: serverUrl, caPem: pki.caCertPem, token: adminToken });

  return {
    serverUrl,
    localUrl,
    kubeconfigPath,
    joinTokenPath,
    joinToken: joinToken as string,
    adminToken,
    metricsTokenPath,
  };
}

/** The description that marks the join token of the server's own agent. */
export const LOCAL_AGENT_TOKEN_DESCRIPTION = "the server's own agent (made at each start, kept in memory)";

/**
 * The join token of the server's own agent: made afresh at each start, never written to disk,
 * the previous start's deleted. Only it may register a node with labels NodeRestriction
 * keeps for admins (the control-plane role label of the server's host).
 */
export function localAgentJoinToken(tokens: TokenService, caHash: string): { id: string; token: string } {
  for (const old of tokens.listJoinTokens()) {
    if (old.description === LOCAL_AGENT_TOKEN_DESCRIPTION) tokens.deleteToken(old.id);
  }
  const created = tokens.createJoinToken({ description: LOCAL_AGENT_TOKEN_DESCRIPTION });
  const parts = splitBearer(created.bearer);
  if (!parts) throw new Error("the token service made a malformed join token");
  return { id: parts.id, token: formatJoinToken({ caHash, id: parts.id, secret: parts.secret }) };
}
