// The agent's HTTPS endpoints that come before the API's authentication: the public CA
// certificate (checked against the join token's pin) and registration with a join token and
// the agent's node secret (which alone lets an agent register again as an existing node).

import express from "express";
import type { NextFunction, Request, Response, Router } from "express";
import type { Node } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import { errors, isEverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { RegisterResponse } from "../../shared/protocol.js";
import { AGENT_REGISTER_PATH, CA_CERT_PATH } from "../../shared/protocol.js";
import type { Pki } from "../auth/pki.js";
import type { TokenService } from "../auth/tokens.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { Store } from "../store/store.js";
import { readBody } from "../api/body.js";
import { nextPodCidr, type ClusterCidr } from "../nodes/pod-cidrs.js";
import {
  newNodeFor,
  refuseAdminLabels,
  reRegisteredNode,
  registrationIdentity,
  takenNodeName,
  validateRegisterRequest,
  type ValidRegisterRequest,
} from "./node-registration.js";

export interface AgentRouterDeps {
  tokens: TokenService;
  store: Store;
  clock: Clock;
  logger: Logger;
  pki: Pki;
  events: EventRecorder;
  /**
   * Whether a registration with this join token may create a node with labels only admins
   * set (NodeRestriction): true only for the server's own agent's token.
   */
  mayLabelAsAdmin?: (joinTokenId: string) => boolean;
  /** The range nodes' podCIDRs come from (--cluster-cidr); none allocated without it. */
  clusterCidr?: ClusterCidr | undefined;
}

/** The register body is small: a name, a few labels and taints, the node secret. */
const MAX_REGISTER_BODY_BYTES = 64 * 1024;

function sendError(res: Response, err: unknown, logger: Logger): void {
  const e = isEverynodeError(err) ? err : errors.internal((err as Error).message ?? String(err), err);
  if (!isEverynodeError(err)) logger.error("agent registration failed", { err: e });
  res.status(e.httpStatus).json(e.toStatus());
}

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
}

type Identity = ReturnType<typeof registrationIdentity>;

/**
 * `node` with the first free block of --cluster-cidr as its podCIDR, or undefined when it has
 * one already or none is configured. Registrations run one at a time in their transaction,
 * so two nodes never get the same block. When the range is used up the node runs without
 * one (as Kubernetes' CIDRNotAvailable), and the server's log says so.
 */
function withPodCidr(deps: AgentRouterDeps, node: Node): Node | undefined {
  if (!deps.clusterCidr || node.spec?.podCIDR) return undefined;
  const taken = deps.store.list<Node>("nodes").flatMap((n) => (n.spec?.podCIDR ? [n.spec.podCIDR] : []));
  const cidr = nextPodCidr(deps.clusterCidr, taken);
  if (!cidr) {
    deps.logger.warn("no podCIDR left in --cluster-cidr for a new node", { node: node.metadata.name });
    return undefined;
  }
  return { ...node, spec: { ...node.spec, podCIDR: cidr, podCIDRs: [cidr] } };
}

/**
 * Registers (or re-registers) a node: the node secret decides whether the caller may, then
 * one transaction writes the Node, keeps the secret and issues the node's credential (one
 * commit: a crash leaves all of it or none). All of it runs without a pause, so no other
 * registration of the same name falls in between.
 */
function registerNode(
  deps: AgentRouterDeps,
  req: ValidRegisterRequest,
  joinTokenId: string,
): { node: Node; identity: Identity; token: string } {
  const exists = deps.store.get<Node>("nodes", undefined, req.nodeName) !== undefined;
  const identity = registrationIdentity(exists, deps.tokens.checkNodeSecret(req.nodeName, req.nodeSecret));
  if (identity === "refuse") throw takenNodeName(req.nodeName);
  return deps.store.transaction((tx) => {
    const existing = tx.get<Node>("nodes", undefined, req.nodeName);
    let node: Node;
    if (!existing) {
      if (!deps.mayLabelAsAdmin?.(joinTokenId)) refuseAdminLabels(req);
      const fresh = newNodeFor(req, deps.clock.now());
      node = tx.create("nodes", withPodCidr(deps, fresh) ?? fresh);
    } else {
      // A node that joined before --cluster-cidr was set gets its range when it comes back.
      const merged = reRegisteredNode(existing, req);
      const next = withPodCidr(deps, merged ?? existing) ?? merged;
      node = next ? tx.update("nodes", next) : existing;
    }
    // The credential rows are in the same SQLite file: they join this transaction.
    if (identity !== "rejoin") deps.tokens.setNodeSecret(req.nodeName, req.nodeSecret);
    const token = deps.tokens.issueNodeCredential(node.metadata.name ?? req.nodeName);
    return { node, identity, token };
  });
}

/** GET CA_CERT_PATH (public) and POST AGENT_REGISTER_PATH (join token); mount before the API's auth. */
export function createAgentRouter(deps: AgentRouterDeps): Router {
  const router = express.Router();
  const log = deps.logger.child({ component: "agent-registration" });

  router.get(CA_CERT_PATH, (_req, res) => {
    res.type("text/plain").send(deps.pki.caCertPem);
  });

  router.post(
    AGENT_REGISTER_PATH,
    (req: Request, res: Response, next: NextFunction) => {
      // Authenticate before reading the body: an unknown caller gets nothing parsed.
      const principal = deps.tokens.authenticate(bearerOf(req));
      if (principal?.kind !== "join") {
        sendError(res, errors.unauthorized("a valid join token is required to register a node"), log);
        return;
      }
      res.locals.joinTokenId = principal.tokenId;
      next();
    },
    async (req: Request, res: Response) => {
      const joinToken = res.locals.joinTokenId as string;
      try {
        // The API's bounded decoder: size, nesting and plain-JSON checks as for any body.
        const request = validateRegisterRequest(await readBody(req, MAX_REGISTER_BODY_BYTES));
        let registered: ReturnType<typeof registerNode>;
        try {
          registered = registerNode(deps, request, joinToken);
        } catch (e) {
          // Someone with a join token tried to be a node they are not: the admin should know.
          if (isEverynodeError(e) && e.code === "Forbidden")
            log.warn("registration refused", { node: request.nodeName, joinToken, reason: e.message });
          throw e;
        }
        const nodeName = registered.node.metadata.name ?? "";
        const token = registered.token;
        // RegisteredNode is the node lifecycle controller's to record (once, on first sight);
        // recording it here too made describe show "(x2 over ...)".
        log.info("node registered", { node: nodeName, identity: registered.identity, joinToken });
        const body: RegisterResponse = { nodeName, token };
        res.status(200).json(body);
      } catch (e) {
        sendError(res, e, log);
      }
    },
  );

  return router;
}
