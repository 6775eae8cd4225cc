// Sends each connected node its complete pod set, numbered by the store's revision: at once
// on connect, and after a short debounce whenever a pod bound to it changes (one `apply`
// that touches many pods makes one message). At most one send per node is in flight, and
// the set is read when it is sent, so the agent always gets the latest one.

import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { AssignmentsMessage, PrePullImage } from "../../shared/protocol.js";
import { PROTOCOL_VERSION } from "../../shared/protocol.js";
import { EventRecorder } from "../events/event-recorder.js";
import type { Store, WatchHandle } from "../store/store.js";
import type { AgentCapabilities } from "./agent-capabilities.js";
import { nodesAffectedBy } from "./assignment-changes.js";
import type { AgentConnection, SessionRegistry } from "./session-registry.js";

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  registry: SessionRegistry;
  /** When given, a pod's first dispatch records its "Scheduled" event. */
  events?: EventRecorder;
  /** Which agents get terminating pods (they report them gone), and which pre-pull; none without it. */
  capabilities?: Pick<AgentCapabilities, "gracefulDeletion" | "has">;
  /** Images to pre-pull per node (rollingUpdate.prePull), for agents with the prePull capability. */
  prePull?: { imagesFor(nodeName: string): PrePullImage[] };
  debounceMs?: number;
  /** Hears how long after the first change of a node's pods its new set was sent, in seconds. */
  onDispatch?: (seconds: number) => void;
}

interface NodeState {
  connection: AgentConnection;
  scheduled: boolean;
  inFlight: boolean;
  dirty: boolean;
  /** When the oldest change not yet sent happened (clock ms); unset after a connect's full send. */
  changedAt?: number;
}

/**
 * The complete pod set of a node as the agent gets it. Terminating pods are in it for an
 * agent that reports them gone (it stops them and says so); an agent that cannot gets none.
 */
export function assignmentsFor(store: Store, nodeName: string, withTerminating = false): AssignmentsMessage {
  const revision = store.revision();
  const all = store.listPodsOnNode(nodeName);
  const pods = withTerminating ? all : all.filter((p) => !p.metadata.deletionTimestamp);
  return { v: PROTOCOL_VERSION, type: "assignments", revision, pods };
}

/** Pushes assignment sets to agents; see the file comment. */
export class Dispatcher {
  private readonly states = new Map<string, NodeState>();
  /** Pod uids whose Scheduled event was recorded, per node. */
  private readonly announced = new Map<string, Set<string>>();
  private readonly timers = new AbortController();
  private watch: WatchHandle | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: DispatcherDeps) {
    this.log = deps.logger.child({ component: "dispatcher" });
  }

  /** Starts hearing pod changes. */
  start(): void {
    this.watch = this.deps.store.watch("pods", undefined, (event) => {
      for (const node of nodesAffectedBy(event)) this.notify(node);
    });
  }

  /** The node's agent said hello on `connection`: send its set now. */
  nodeConnected(connection: AgentConnection): void {
    const state: NodeState = { connection, scheduled: false, inFlight: false, dirty: true };
    this.states.set(connection.nodeName, state);
    this.flush(state);
  }

  /** The connection went away: nothing more is sent on it. */
  connectionClosed(connection: AgentConnection): void {
    if (this.states.get(connection.nodeName)?.connection === connection)
      this.states.delete(connection.nodeName);
  }

  /** Something in the node's set changed: send it after the debounce. */
  notify(nodeName: string): void {
    const state = this.states.get(nodeName);
    if (!state) return;
    state.dirty = true;
    state.changedAt ??= this.deps.clock.now();
    if (!state.scheduled && !state.inFlight) this.schedule(state);
  }

  close(): void {
    this.watch?.cancel();
    this.timers.abort();
    this.states.clear();
  }

  private schedule(state: NodeState): void {
    state.scheduled = true;
    this.deps.clock.sleep(this.deps.debounceMs ?? 50, this.timers.signal).then(
      () => {
        state.scheduled = false;
        this.flush(state);
      },
      () => {},
    );
  }

  private flush(state: NodeState): void {
    const nodeName = state.connection.nodeName;
    if (this.states.get(nodeName) !== state || !state.dirty || state.inFlight) return;
    state.dirty = false;
    state.inFlight = true;
    const changedAt = state.changedAt;
    state.changedAt = undefined;
    const graceful = this.deps.capabilities?.gracefulDeletion(nodeName) ?? false;
    const message = assignmentsFor(this.deps.store, nodeName, graceful);
    if (this.deps.prePull && this.deps.capabilities?.has(nodeName, "prePull"))
      message.prePull = this.deps.prePull.imagesFor(nodeName);
    this.recordScheduled(nodeName, message.pods);
    state.connection.send(message).then(
      () => {
        if (changedAt !== undefined) this.deps.onDispatch?.((this.deps.clock.now() - changedAt) / 1000);
        this.sent(state);
      },
      (err: unknown) => {
        this.log.debug("assignments not delivered", { node: nodeName, err });
        this.sent(state);
      },
    );
    this.log.debug("assignments sent", {
      node: nodeName,
      revision: message.revision,
      pods: message.pods.length,
    });
  }

  private sent(state: NodeState): void {
    state.inFlight = false;
    if (state.dirty && !state.scheduled && this.states.get(state.connection.nodeName) === state)
      this.schedule(state);
  }

  /**
   * Records "Scheduled" for pods the agent is about to get for the first time. A pod that
   * already has container statuses was dispatched before (e.g. before a restart): skipped.
   */
  private recordScheduled(nodeName: string, pods: Pod[]): void {
    const events = this.deps.events;
    if (!events) return;
    const seen = this.announced.get(nodeName) ?? new Set<string>();
    this.announced.set(nodeName, seen);
    const fresh = pods.filter((p) => p.metadata.uid && !seen.has(p.metadata.uid));
    for (const p of fresh) seen.add(p.metadata.uid as string);
    const current = new Set(pods.map((p) => p.metadata.uid));
    for (const uid of seen) if (!current.has(uid)) seen.delete(uid);
    const toRecord = fresh.filter(
      (p) => !p.status?.containerStatuses?.length && !p.metadata.deletionTimestamp,
    );
    if (toRecord.length === 0) return;
    try {
      this.deps.store.transaction((tx) => {
        for (const p of toRecord) {
          events.record(
            EventRecorder.referenceTo(p, "Pod", "v1"),
            "Normal",
            "Scheduled",
            `Successfully assigned ${p.metadata.namespace ?? "default"}/${p.metadata.name ?? ""} to ${nodeName}`,
            { component: "default-scheduler" },
            tx,
          );
        }
      });
    } catch (err) {
      this.log.warn("recording Scheduled events failed", { node: nodeName, err });
    }
  }
}
