// What the API needs from the rest of the control plane, assembled by the composition root.

import type { RequestHandler, Router } from "express";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { ResourceName } from "../kube/index.js";
import type { PodLogStreamer } from "./pod-log-streamer.js";
import type { Authenticator } from "../auth/principal.js";
import type { RbacAuthorizer } from "../auth/rbac.js";
import type { ServiceAccountTokens } from "../auth/service-account-tokens.js";
import type { Deleter } from "../deletion/deleter.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { Store } from "../store/store.js";
import type { ApiObserver } from "./request-metrics.js";
import type { ResourceRule } from "./resource-rules/index.js";

export interface ApiDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** The DELETE of a pod records its containers' Killing events. */
  events: EventRecorder;
  authenticator: Authenticator;
  logs: PodLogStreamer;
  /** Mounted before authentication (e.g. agent registration); they authenticate themselves. */
  routers?: Router[];
  /** Largest accepted request body; default 3 MiB. */
  maxBodyBytes?: number;
  /** How often a watch with allowWatchBookmarks=true gets a BOOKMARK; default 20 s. */
  watchBookmarkIntervalMs?: number;
  /** host:port clients reach the API at, for legacy discovery; default: the request's Host. */
  serverAddress?: string;
  /**
   * Deletes objects (shared with the controllers, and knowing which agents report pods
   * gone); default: one over this store for which no agent does, so pods go at once.
   */
  deleter?: Deleter;
  /** Hears of every request's verb, resource, code and duration (the /metrics registry). */
  requestObserver?: ApiObserver;
  /** Mounted after authentication, before discovery: non-resource paths such as /metrics. */
  authenticatedRoutes?: RequestHandler[];
  /** Issues ServiceAccount tokens (TokenRequest); without it the token subresource is a 503. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** RBAC over the store's roles and bindings; default: one over `store`. */
  rbac?: RbacAuthorizer;
}

/** What every handler works with: the deps with their defaults filled in, and the rules. */
export interface HandlerContext {
  store: Store;
  clock: Clock;
  logger: Logger;
  logs: PodLogStreamer;
  events: EventRecorder;
  maxBodyBytes: number;
  watchBookmarkIntervalMs: number;
  rules: Record<ResourceName, ResourceRule>;
  deleter: Deleter;
  serviceAccountTokens?: ServiceAccountTokens;
  rbac: RbacAuthorizer;
}
