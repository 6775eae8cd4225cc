// Server messages as JSON text. An assignment set is built from its pods' stored text, so a
// pod is encoded once (by the store) however many sets carry it.

import type { ServerMessage } from "../../shared/protocol.js";
import { jsonOf } from "../store/stored-json.js";

/** The message as JSON.stringify would write it (same keys, same order). */
export function encodeServerMessage(message: ServerMessage): string {
  if (message.type !== "assignments") return JSON.stringify(message);
  const { pods, ...head } = message;
  const start = JSON.stringify(head);
  return `${start.slice(0, -1)},"pods":[${pods.map((p) => jsonOf(p)).join(",")}]}`;
}
