// Node Leases (`coordination.k8s.io/v1`, namespace kube-node-lease), as kubectl describe node
// shows them. everynode keeps heartbeats in memory rather than writing a Lease per beat, so
// each Lease is made on request from the node lifecycle controller's last heartbeat.

import express from "express";
import type { Request, Response, Router } from "express";
import type { KubeObject, Node } from "../../shared/api-types.js";
import { rfc3339Micro } from "../../shared/clock.js";
import { errors, isEverynodeError } from "../../shared/errors.js";
import type { Authenticator } from "../auth/principal.js";
import type { Store } from "../store/store.js";

export const LEASE_PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/:name";

export interface LeaseSource {
  lastHeartbeat(nodeName: string): number | undefined;
}

/** The Lease of a node, or undefined when its agent has not been heard from since the start. */
export function nodeLease(
  node: Node,
  heardAt: number | undefined,
  durationSeconds: number,
): KubeObject | undefined {
  if (heardAt === undefined) return undefined;
  const name = node.metadata.name ?? "";
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name,
      namespace: "kube-node-lease",
      creationTimestamp: node.metadata.creationTimestamp,
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid ?? "" }],
    },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: durationSeconds,
      renewTime: rfc3339Micro(heardAt),
    },
  };
}

function bearer(req: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
}

export function createLeaseRouter(deps: {
  store: Store;
  authenticator: Authenticator;
  leases: LeaseSource;
  /** The node grace period, asked at each request: it grows with a paced fleet's interval. */
  leaseDurationSeconds: () => number;
}): Router {
  const router = express.Router();
  router.get(LEASE_PATH, (req: Request, res: Response) => {
    try {
      const principal = deps.authenticator.authenticate(bearer(req));
      if (!principal) throw errors.unauthorized();
      const name = String(req.params.name);
      const mayRead =
        principal.kind === "admin" || (principal.kind === "node" && principal.nodeName === name);
      if (!mayRead) {
        throw errors.forbidden(
          `leases.coordination.k8s.io "${name}" is forbidden: only the admin and the node itself may read it`,
        );
      }
      const node = deps.store.get<Node>("nodes", undefined, name);
      const lease = node && nodeLease(node, deps.leases.lastHeartbeat(name), deps.leaseDurationSeconds());
      if (!lease) throw errors.notFound("leases", name, "coordination.k8s.io");
      res.json(lease);
    } catch (e) {
      const err = isEverynodeError(e) ? e : errors.internal(String(e));
      res.status(err.httpStatus).json(err.toStatus());
    }
  });
  return router;
}
