// Sends each connected node its complete pod set, numbered by the store's revision: at once
// on connect, and after a short debounce whenever a pod bound to it changes (one `apply`
// that touches many pods makes one message). At most one send per node is in flight, and
// the set is read when it is sent, so the agent always gets the latest one. One timer serves
// every node: when it fires, the nodes waiting are sent in slices of ~10 ms (reading, encoding
// and writing to the socket), yielding between slices so the API keeps answering while thousands of nodes get their sets. The
// pods' Scheduled events are written once no set waits and the controller is not writing
// a pass (slices of ~10 ms, each one transaction): they are not what the nodes wait for. With the set go the ConfigMaps and Secrets its
// pods refer to (config-objects.ts); a change of one of them sends the sets that name it.

import type { Pod } from "../../shared/api-types.js";
import type { Clock } from "../../shared/clock.js";
import type { Logger } from "../../shared/logger.js";
import type { AssignmentsMessage, PrePullImage } from "../../shared/protocol.js";
import { PROTOCOL_VERSION } from "../../shared/protocol.js";
import { EventRecorder } from "../events/event-recorder.js";
import type { Store, WatchHandle } from "../store/store.js";
import type { AgentCapabilities } from "./agent-capabilities.js";
import { nodesAffectedBy } from "./assignment-changes.js";
import { configChanged, configFor, ConfigReferences, type ConfigResource } from "./config-objects.js";
import type { AgentConnection, SessionRegistry } from "./session-registry.js";
import { SliceScheduler, type SliceTask } from "../slices.js";

export interface DispatcherDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  registry: SessionRegistry;
  /** When given, a pod's first dispatch records its "Scheduled" event. */
  events?: EventRecorder;
  /** Which agents get terminating pods (they report them gone), pre-pull, take config objects; none without it. */
  capabilities?: Pick<AgentCapabilities, "gracefulDeletion" | "has">;
  /** Images to pre-pull per node (rollingUpdate.prePull), for agents with the prePull capability. */
  prePull?: { imagesFor(nodeName: string): PrePullImage[] };
  debounceMs?: number;
  /** Whether the controller is writing a pass: Scheduled events wait until it is done. */
  passWriting?: () => boolean;
  /** Hears how long after the first change of a node's pods its new set was sent, in seconds. */
  onDispatch?: (seconds: number) => void;
  /** The turns its sends and events share with the control plane's other sliced work. */
  slices?: SliceScheduler;
}

interface NodeState {
  connection: AgentConnection;
  inFlight: boolean;
  dirty: boolean;
  /** When the oldest change not yet sent happened (clock ms); unset after a connect's full send. */
  changedAt?: number;
}

/** How long one slice of sends may hold the event loop. */
const SLICE_MS = 10;
/** How often waiting Scheduled events look whether sets are still going out. */
const EVENTS_RECHECK_MS = 20;

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

/** A Scheduled event due: the pod and the node it went to. */
interface Announcement {
  pod: Pod;
  nodeName: string;
}

/** Pushes assignment sets to agents; see the file comment. */
export class Dispatcher {
  private readonly states = new Map<string, NodeState>();
  /** Pod uids whose Scheduled event was recorded, per node. */
  private readonly announced = new Map<string, Set<string>>();
  /** Scheduled events for pods sent, written once no set waits. */
  private due: Announcement[] = [];
  private eventsTimer = false;
  /** Whether the events task asked for a slice. */
  private eventsWoken = false;
  private readonly eventsTask: SliceTask;
  /** Nodes whose set changed and is not sent yet, oldest change first. */
  private readonly waiting = new Set<NodeState>();
  private timerArmed = false;
  /** Whether the send task asked for a slice. */
  private draining = false;
  private readonly sendTask: SliceTask;
  private readonly timers = new AbortController();
  private readonly watches: WatchHandle[] = [];
  /** Which objects each node's last set named. */
  private readonly configRefs = new ConfigReferences();
  private readonly log: Logger;

  constructor(private readonly deps: DispatcherDeps) {
    this.log = deps.logger.child({ component: "dispatcher" });
    const slices = deps.slices ?? new SliceScheduler(SLICE_MS, () => {});
    this.sendTask = slices.add("assignment sends", SLICE_MS, (deadline) => this.drain(deadline));
    this.eventsTask = slices.add("scheduled events", SLICE_MS, (deadline) => this.writeEvents(deadline));
  }

  /** Starts hearing pod changes, and changes of the ConfigMaps and Secrets sets name. */
  start(): void {
    this.watches.push(
      this.deps.store.watch("pods", undefined, (event) => {
        for (const node of nodesAffectedBy(event)) this.notify(node);
      }),
    );
    for (const resource of ["configmaps", "secrets"] as const) {
      this.watches.push(
        this.deps.store.watch(resource, undefined, (event) => {
          if (!configChanged(event)) return;
          for (const node of this.configRefs.nodesUsing(resource, event.object)) this.notify(node);
        }),
      );
    }
  }

  /** The node's agent said hello on `connection`: send its set now. */
  nodeConnected(connection: AgentConnection): void {
    const previous = this.states.get(connection.nodeName);
    if (previous) this.waiting.delete(previous);
    const state: NodeState = { connection, inFlight: false, dirty: true };
    this.states.set(connection.nodeName, state);
    this.sendSet(state);
    this.writeEventsLater();
  }

  /** The connection went away: nothing more is sent on it. */
  connectionClosed(connection: AgentConnection): void {
    const state = this.states.get(connection.nodeName);
    if (state?.connection !== connection) return;
    this.states.delete(connection.nodeName);
    this.waiting.delete(state);
    this.configRefs.drop(connection.nodeName);
    // Not kept for a node that may never come back (a pod already running is not announced again anyway).
    this.announced.delete(connection.nodeName);
  }

  /** Whether sets are waiting to be sent (status writes wait for them, see StatusIngest). */
  get busy(): boolean {
    return this.waiting.size > 0;
  }

  /** How many nodes' announced pods are remembered: one per connected node at most. */
  get rememberedNodes(): number {
    return this.announced.size;
  }

  /** Something in the node's set changed: send it after the debounce. */
  notify(nodeName: string): void {
    const state = this.states.get(nodeName);
    if (!state) return;
    state.dirty = true;
    state.changedAt ??= this.deps.clock.now();
    this.enqueue(state);
  }

  close(): void {
    this.recordScheduled(Infinity);
    for (const w of this.watches.splice(0)) w.cancel();
    this.timers.abort();
    this.sendTask.cancel();
    this.draining = false;
    this.eventsTask.cancel();
    this.eventsWoken = false;
    this.waiting.clear();
    this.states.clear();
  }

  /** Queues a node for the next round; one in flight is queued again when its send ends. */
  private enqueue(state: NodeState): void {
    if (state.inFlight) return;
    this.waiting.add(state);
    if (this.timerArmed || this.draining) return;
    this.timerArmed = true;
    this.after(this.deps.debounceMs ?? 50, () => {
      this.timerArmed = false;
      this.draining = true;
      this.sendTask.wake();
    });
  }

  /** Runs `then` after `ms` on the injected clock, unless the dispatcher closed first. */
  private after(ms: number, then: () => void): void {
    this.deps.clock.sleep(ms, this.timers.signal).then(then, () => {});
  }

  /**
   * Sends the waiting nodes' sets until the slice's time is up, and comes back for the rest
   * after yielding. The time covers the send itself: encrypting and writing a set to its
   * socket costs more than reading and encoding it.
   */
  private drain(deadline: number): boolean {
    this.draining = false;
    let sent = 0;
    for (const state of this.waiting) {
      this.waiting.delete(state);
      if (this.sendSet(state)) sent++;
      // Measured every 8 nodes: reading the time costs more than a small set.
      if (sent % 8 === 0 && performance.now() >= deadline) break;
    }
    if (sent > 0) this.log.debug("assignments sent", { nodes: sent });
    this.writeEventsLater();
    this.draining = this.waiting.size > 0 && !this.timers.signal.aborted;
    return this.draining;
  }

  /** Reads, encodes and sends one node's set (false when it has nothing new or a send is in flight). */
  private sendSet(state: NodeState): boolean {
    const nodeName = state.connection.nodeName;
    if (this.states.get(nodeName) !== state || !state.dirty || state.inFlight) return false;
    state.dirty = false;
    state.inFlight = true;
    const changedAt = state.changedAt;
    state.changedAt = undefined;
    const graceful = this.deps.capabilities?.gracefulDeletion(nodeName) ?? false;
    const message = assignmentsFor(this.deps.store, nodeName, graceful);
    if (this.deps.prePull && this.deps.capabilities?.has(nodeName, "prePull"))
      message.prePull = this.deps.prePull.imagesFor(nodeName);
    if (this.deps.capabilities?.has(nodeName, "configObjects")) {
      const read = (r: ConfigResource, ns: string, name: string) => this.deps.store.get(r, ns, name);
      const pullSecrets = (message.prePull ?? []).flatMap((i) => i.pullSecrets ?? []);
      const { config, referenced } = configFor(read, message.pods, undefined, pullSecrets);
      message.config = config;
      this.configRefs.set(nodeName, referenced);
    }
    for (const pod of this.firstTime(nodeName, message.pods)) this.due.push({ pod, nodeName });
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
    return true;
  }

  /** Comes back for the due Scheduled events shortly. */
  private writeEventsLater(): void {
    if (this.due.length === 0 || this.eventsTimer || this.eventsWoken || this.timers.signal.aborted) return;
    this.eventsTimer = true;
    this.after(EVENTS_RECHECK_MS, () => {
      this.eventsTimer = false;
      this.eventsWoken = true;
      this.eventsTask.wake();
    });
  }

  /** Writes a slice of due Scheduled events unless sets are going out, and comes back for the rest. */
  private writeEvents(deadline: number): boolean {
    this.eventsWoken = false;
    if (this.waiting.size > 0 || this.timerArmed || this.draining || this.deps.passWriting?.()) {
      this.writeEventsLater();
      return false;
    }
    this.recordScheduled(deadline);
    this.eventsWoken = this.due.length > 0 && !this.timers.signal.aborted;
    return this.eventsWoken;
  }

  private sent(state: NodeState): void {
    state.inFlight = false;
    if (state.dirty && this.states.get(state.connection.nodeName) === state) this.enqueue(state);
  }

  /**
   * The pods of a set the node gets for the first time that need a "Scheduled" event. A pod
   * that already has container statuses was dispatched before (e.g. before a restart): skipped.
   */
  private firstTime(nodeName: string, pods: Pod[]): Pod[] {
    if (!this.deps.events) return [];
    const seen = this.announced.get(nodeName) ?? new Set<string>();
    this.announced.set(nodeName, seen);
    const fresh = pods.filter((p) => p.metadata.uid && !seen.has(p.metadata.uid));
    for (const p of fresh) seen.add(p.metadata.uid as string);
    if (seen.size > pods.length) {
      const current = new Set(pods.map((p) => p.metadata.uid));
      for (const uid of seen) if (!current.has(uid)) seen.delete(uid);
    }
    return fresh.filter((p) => !p.status?.containerStatuses?.length && !p.metadata.deletionTimestamp);
  }

  /** Records due Scheduled events in one transaction until `deadline` (performance.now()). */
  private recordScheduled(deadline: number): void {
    const events = this.deps.events;
    if (!events || this.due.length === 0) {
      this.due = [];
      return;
    }
    let n = 0;
    try {
      this.deps.store.transaction((tx) => {
        for (const { pod: p, nodeName } of this.due) {
          n++;
          events.record(
            EventRecorder.referenceTo(p, "Pod", "v1"),
            "Normal",
            "Scheduled",
            `Successfully assigned ${p.metadata.namespace ?? "default"}/${p.metadata.name ?? ""} to ${nodeName}`,
            { component: "default-scheduler" },
            tx,
          );
          if ((n & 15) === 0 && performance.now() >= deadline) break;
        }
      });
    } catch (err) {
      this.log.warn("recording Scheduled events failed", { pods: n, err });
    }
    this.due = this.due.slice(n);
  }
}
