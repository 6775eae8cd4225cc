// The agent the server runs for its own host (unless --no-agent): it joins through the same
// HTTPS registration as any other agent, labelled as a control-plane node.

import path from "node:path";
import type { Agent } from "../agent/agent.js";
import {
  dockerBridgeGateway,
  parseLabelFlags,
  parsePodLogFlags,
  parseTaintFlags,
  startEmbeddedAgent,
} from "../agent/main.js";
import type { Logger } from "../shared/logger.js";
import type { ServerConfig } from "./config.js";

export const CONTROL_PLANE_ROLE_LABEL = "node-role.kubernetes.io/control-plane";

export async function startLocalAgent(input: {
  config: ServerConfig;
  serverUrl: string;
  joinToken: string;
  logger: Logger;
}): Promise<Agent> {
  const { config } = input;
  const podLogs = parsePodLogFlags({ "pod-log-dir": config.podLogDir });
  const labels = { [CONTROL_PLANE_ROLE_LABEL]: "true", ...parseLabelFlags(config.nodeLabels) };
  return startEmbeddedAgent(
    {
      server: input.serverUrl,
      joinToken: input.joinToken,
      nodeName: config.nodeName,
      labels,
      taints: parseTaintFlags(config.nodeTaints),
      dataDir: path.join(config.dataDir, "agent"),
      ...(config.nodeIp ? { nodeIP: config.nodeIp } : {}),
      ...(podLogs ? { podLogs } : {}),
    },
    input.logger,
    config.dockerHost,
  );
}

/** The Docker bridge's gateway of this host, where its agent's bridged pods reach the API. */
export function localBridgeGateway(config: ServerConfig): Promise<string | undefined> {
  return dockerBridgeGateway(config.dockerHost);
}
