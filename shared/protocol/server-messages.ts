// The agent protocol: what the server sends an agent over its WebSocket (see shared/protocol.ts).

import type { Pod } from "../api-types.js";
import type { ConfigDelivery } from "../config-delivery.js";
import type { ServerStreamMessage } from "../stream-messages.js";

export interface WelcomeMessage {
  v: 1;
  type: "welcome";
  nodeName: string;
  heartbeatIntervalSeconds: number;
  /** When set, the agent sends a `metrics` summary this often (older servers leave it out). */
  metricsIntervalSeconds?: number;
  /** When set, the agent samples usage this often and sends a `usage` message after each sample. */
  usageIntervalSeconds?: number;
}

/**
 * A new heartbeat interval for a connected agent, sent only to agents that announced `pace`,
 * in answer to a heartbeat, when the server's pace changed since the agent was last told.
 */
export interface PaceMessage {
  v: 1;
  type: "pace";
  heartbeatIntervalSeconds: number;
}

export interface AssignmentsMessage {
  v: 1;
  type: "assignments";
  /** Increases with every change; the agent ignores a set older than one it applied. */
  revision: number;
  /** The node's complete set: what is not in it must not run. */
  pods: Pod[];
  /**
   * Images to pull ahead of a rollout (`rollingUpdate.prePull`), sent only to agents that
   * announced the `prePull` capability, and then always (empty when there is nothing to
   * pull): its presence tells the agent that the server takes `nodeImages` messages.
   */
  prePull?: PrePullImage[];
  /**
   * The ConfigMaps and Secrets the set's pods refer to, for agents that announced the
   * `configObjects` capability (always then, empty when none). A change of one of them sends
   * the node a new set.
   */
  config?: ConfigDelivery;
}

/** An image of a rollout's update revision, with the container's imagePullPolicy. */
export interface PrePullImage {
  image: string;
  pullPolicy?: "Always" | "IfNotPresent" | "Never";
  /** The pull Secrets the update revision's pods would use (the set carries the Secrets). */
  pullSecrets?: { namespace: string; name: string }[];
}

/** A status the server would not store, and why (the agent logs it; resending would not help). */
export interface RefusedStatus {
  namespace: string;
  name: string;
  uid: string;
  reason: string;
}

export interface AckMessage {
  v: 1;
  type: "ack";
  seq: number;
  /** Statuses of this message that failed validation (at most AGENT_LIMITS.refusedPerAck). */
  refused?: RefusedStatus[];
}

export interface LogRequestMessage {
  v: 1;
  type: "logRequest";
  requestId: string;
  namespace: string;
  podName: string;
  podUid: string;
  container: string;
  follow: boolean;
  timestamps: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

export interface LogCancelMessage {
  v: 1;
  type: "logCancel";
  requestId: string;
}

export type ServerMessage =
  | WelcomeMessage
  | PaceMessage
  | AssignmentsMessage
  | AckMessage
  | LogRequestMessage
  | LogCancelMessage
  | ServerStreamMessage;
