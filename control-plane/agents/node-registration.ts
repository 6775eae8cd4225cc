// What registering an agent does to its Node, as pure functions: validating the request,
// whether the caller may register under that name (the node secret), and the Node to create
// or the existing Node with the request's labels merged in (within NodeRestriction).

import { isDeepStrictEqual } from "node:util";
import { TAINT_EFFECTS, type Node, type Taint } from "../../shared/api-types.js";
import { rfc3339 } from "../../shared/clock.js";
import type { FieldError } from "../../shared/errors.js";
import { errors, fieldError } from "../../shared/errors.js";
import type { RegisterRequest } from "../../shared/protocol.js";
import {
  changedLabels,
  dns1123SubdomainErrors,
  forbiddenLabels,
  labelValueErrors,
  qualifiedNameErrors,
} from "../kube/index.js";
import type { NodeSecretCheck } from "../auth/tokens.js";
import { desiredTaints } from "../nodes/node-conditions.js";

/** A register request that passed validation: it carries its node secret. */
export type ValidRegisterRequest = RegisterRequest & { nodeSecret: string };

// The agent sends 32 random bytes in base64url (43 characters); other clients may send more.
const NODE_SECRET_RE = /^[A-Za-z0-9_-]{32,256}$/;

/** Kubernetes' messages for a name that breaks its grammar, or undefined when it fits. */
const problem = (messages: string[]): string | undefined =>
  messages.length > 0 ? messages.join("; ") : undefined;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nodeSecretProblems(secret: unknown): FieldError[] {
  if (secret === undefined || secret === "") {
    return [
      fieldError.required(
        "nodeSecret",
        "an agent proves with its node secret that it is the node it registers as; this agent is too old to send one: upgrade it",
      ),
    ];
  }
  if (typeof secret !== "string" || !NODE_SECRET_RE.test(secret)) {
    // The value is a secret: never echoed back.
    return [
      fieldError.invalid(
        "nodeSecret",
        "(hidden)",
        "must be 32 to 256 characters of A-Z, a-z, 0-9, '-' or '_'",
      ),
    ];
  }
  return [];
}

/** Validates a register body: 400 when it is not an object, 422 naming each wrong field. */
export function validateRegisterRequest(body: unknown): ValidRegisterRequest {
  if (!isObject(body)) throw errors.badRequest("the register request body must be a JSON object");
  const problems: FieldError[] = [];
  const nodeName = body.nodeName;
  if (typeof nodeName !== "string" || nodeName === "") problems.push(fieldError.required("nodeName"));
  else {
    const p = problem(dns1123SubdomainErrors(nodeName));
    if (p) problems.push(fieldError.invalid("nodeName", nodeName, p));
  }
  const labels: Record<string, string> = {};
  if (body.labels !== undefined && !isObject(body.labels))
    problems.push(fieldError.invalid("labels", body.labels, "must be an object"));
  for (const [k, v] of Object.entries(isObject(body.labels) ? body.labels : {})) {
    const kp = problem(qualifiedNameErrors(k));
    if (kp) problems.push(fieldError.invalid(`labels`, k, kp));
    if (typeof v !== "string") problems.push(fieldError.invalid(`labels[${k}]`, v, "must be a string"));
    else {
      const vp = problem(labelValueErrors(v));
      if (vp) problems.push(fieldError.invalid(`labels[${k}]`, v, vp));
      else if (!kp) labels[k] = v;
    }
  }
  const taints: RegisterRequest["taints"] = [];
  if (body.taints !== undefined && !Array.isArray(body.taints))
    problems.push(fieldError.invalid("taints", body.taints, "must be an array"));
  (Array.isArray(body.taints) ? (body.taints as unknown[]) : []).forEach((t, i) => {
    const at = `taints[${i}]`;
    if (!isObject(t)) return problems.push(fieldError.invalid(at, t, "must be an object"));
    const before = problems.length;
    if (typeof t.key !== "string" || t.key === "") problems.push(fieldError.required(`${at}.key`));
    else {
      const kp = problem(qualifiedNameErrors(t.key));
      if (kp) problems.push(fieldError.invalid(`${at}.key`, t.key, kp));
    }
    const vp = typeof t.value === "string" ? problem(labelValueErrors(t.value)) : "must be a string";
    if (t.value !== undefined && vp) problems.push(fieldError.invalid(`${at}.value`, t.value, vp));
    if (typeof t.effect !== "string" || !(TAINT_EFFECTS as readonly string[]).includes(t.effect))
      problems.push(fieldError.notSupported(`${at}.effect`, t.effect, [...TAINT_EFFECTS]));
    if (problems.length === before) {
      const taint = { key: t.key as string, effect: t.effect as Taint["effect"] };
      taints.push(typeof t.value === "string" && t.value !== "" ? { ...taint, value: t.value } : taint);
    }
  });
  problems.push(...nodeSecretProblems(body.nodeSecret));
  if (problems.length > 0)
    throw errors.invalid("Node", "", typeof nodeName === "string" ? nodeName : "", problems);
  return { nodeName: nodeName as string, labels, taints, nodeSecret: body.nodeSecret as string };
}

/**
 * Whether a registration may go ahead, and what becomes of the stored node secret:
 *   - no Node of that name: "create" (a secret left from a deleted node is replaced);
 *   - the Node exists and its secret matches: "rejoin";
 *   - the Node exists with no secret stored (it registered before everynode kept node
 *     secrets, or an admin created it): "claim", the first secret to come is kept, as k3s
 *     does on first sight;
 *   - the Node exists with another secret: "refuse" (a join token does not make its holder
 *     that node).
 */
export function registrationIdentity(
  nodeExists: boolean,
  secret: NodeSecretCheck,
): "create" | "rejoin" | "claim" | "refuse" {
  if (!nodeExists) return "create";
  if (secret === "matches") return "rejoin";
  return secret === "unset" ? "claim" : "refuse";
}

/** The 403 of a registration under a name another machine holds, and how to free the name. */
export function takenNodeName(nodeName: string): ReturnType<typeof errors.forbidden> {
  return errors.forbidden(
    `node "${nodeName}" is already registered by a machine with another node secret, and a join token ` +
      `does not make its holder that node. If this machine was reinstalled (its data dir, and the node ` +
      `secret in it, are gone), delete the old node to let it join again: ` +
      `everynode delete node ${nodeName} (or kubectl delete node ${nodeName})`,
  );
}

/**
 * A first registration made with an ordinary join token may not give the new node a label
 * only admins set (node-role.kubernetes.io/..., other kubernetes.io and k8s.io labels), as
 * Kubernetes' NodeRestriction refuses them to kubelets: a join-token holder could otherwise
 * attract pods meant for control-plane nodes. 403 naming them, and how an admin adds them.
 */
export function refuseAdminLabels(req: RegisterRequest): void {
  const forbidden = forbiddenLabels(Object.keys(req.labels));
  if (forbidden.length === 0) return;
  throw errors.forbidden(
    `node "${req.nodeName}" may not register with the labels ${forbidden.join(", ")}: only an admin ` +
      `may set them (kubectl label node ${req.nodeName} ...), once the node has joined`,
  );
}

/**
 * The Node a first registration creates: the agent's labels and taints, Ready unknown until
 * it connects, and already the unreachable taints that Ready=Unknown calls for (the node
 * lifecycle controller would add them at once: one write instead of two).
 */
export function newNodeFor(req: RegisterRequest, now: number): Node {
  const node = bareNodeFor(req, now);
  const taints = desiredTaints(node, now);
  if (taints) node.spec.taints = taints;
  return node;
}

function bareNodeFor(req: RegisterRequest, now: number): Node {
  const ts = rfc3339(now);
  const spec: Node["spec"] = req.taints.length > 0 ? { taints: req.taints.map((t) => ({ ...t })) } : {};
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: req.nodeName, labels: { ...req.labels } },
    spec,
    status: {
      conditions: [
        {
          type: "Ready",
          status: "Unknown",
          lastHeartbeatTime: ts,
          lastTransitionTime: ts,
          reason: "NodeStatusNeverUpdated",
          message: "Kubelet never posted node status.",
        },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    },
  };
}

/**
 * An existing Node re-registered: the request's labels are merged in and its taints kept
 * (as a kubelet re-registering does). Undefined when nothing changes. The agent is that node
 * now, so NodeRestriction holds: a label only an admin may set (node-role.kubernetes.io/...)
 * may be repeated as it is, never added or changed (403 naming it).
 */
export function reRegisteredNode(existing: Node, req: RegisterRequest): Node | undefined {
  const labels = { ...(existing.metadata.labels ?? {}), ...req.labels };
  const forbidden = forbiddenLabels(changedLabels(existing.metadata.labels ?? {}, labels));
  if (forbidden.length > 0) {
    const name = req.nodeName;
    throw errors.forbidden(
      `node "${name}" may not set the labels ${forbidden.join(", ")} when it registers again: only an ` +
        `admin may (kubectl label node ${name} ...); node-role and other kubernetes.io labels come ` +
        `from an agent only when its node is first created`,
    );
  }
  if (isDeepStrictEqual(labels, existing.metadata.labels ?? {})) return undefined;
  // No deep copy: the store copies whatever it writes that is not already frozen.
  return { ...existing, metadata: { ...existing.metadata, labels } };
}
