// What the fleet runner and its simulator processes say to each other over Node's IPC
// channel: one request, one reply (matched by id). Times are epoch ms (Date.now()): every
// process runs on the same machine, so their clocks agree.

/** One simulated node as the runner planned it. */
export interface SimNodeSpec {
  name: string;
  labels: Record<string, string>;
  /** Whether the benchmark's DaemonSet selects this node. */
  eligible: boolean;
  /** The node's InternalIP as it reports it (not used for traffic). */
  ip: string;
  /** The loopback source address its connections use (spreads them over many addresses). */
  localAddress: string;
}

export interface SimOptions {
  /** A pod reports Pending at once and Running after about this long (0: Running at once). */
  startupMs: number;
  /** Share of pods whose container crashes (reported as CrashLoopBackOff, not Ready). */
  failureRate: number;
  /** Registrations in flight at once, per simulator process. */
  registerConcurrency: number;
  /** First connections in flight at once, per simulator process. */
  connectConcurrency: number;
  seed: number;
}

/** What a node must hold for an expectation to be met. */
export interface ExpectationSpec {
  key: string;
  /** The DaemonSet (by name) whose pods are looked at. */
  daemonSet: string;
  /**
   * With an image: every eligible node holds exactly one pod of the DaemonSet with this
   * image, and no other node holds any. Without: no node holds a pod of the DaemonSet.
   */
  image?: string;
}

export type ToSim =
  | { id: number; cmd: "init"; server: string; joinToken: string; nodes: SimNodeSpec[]; options: SimOptions }
  | { id: number; cmd: "register" }
  | { id: number; cmd: "connect" }
  | { id: number; cmd: "arm"; expectation: ExpectationSpec }
  | { id: number; cmd: "wait"; key: string; timeoutMs: number }
  | { id: number; cmd: "disarm"; key: string }
  | { id: number; cmd: "readyInfo"; image: string }
  | { id: number; cmd: "stats" }
  | { id: number; cmd: "churn"; churn: ChurnSpec }
  | { id: number; cmd: "stop" };

export interface ChurnSpec {
  durationMs: number;
  /** Every period, this share of the process's nodes drops its connection... */
  periodMs: number;
  fraction: number;
  /** ...stays away for a random time up to this long, then connects again... */
  offlineMaxMs: number;
  /** ...and this share of them says goodbye first (a clean stop) instead of vanishing. */
  goodbyeShare: number;
}

export interface RegisterResult {
  startedAt: number;
  finishedAt: number;
  registered: number;
  failedAttempts: number;
  errors: string[];
}

export interface ConnectResult {
  startedAt: number;
  finishedAt: number;
  connected: number;
  failedAttempts: number;
  errors: string[];
}

export interface WaitResult {
  done: boolean;
  /** Per eligible node that met it: when it first did (ms epoch). */
  metAt: number[];
  /** Eligible nodes that do not meet it now. */
  missing: number;
  /** Nodes that hold what they must not (ineligible nodes holding a pod, several pods). */
  violations: string[];
}

export interface ReadyInfo {
  /** Nodes whose Ready status for a pod of that image was sent. */
  readySent: number;
  /** When the last of those was sent (0 when none). */
  lastReadySentAt: number;
}

export interface SimStats {
  nodes: number;
  /** Sockets open and welcomed now. */
  connected: number;
  registrations: number;
  connectAttempts: number;
  reconnects: number;
  /** Connection attempts per 100 ms bucket (bucket = floor(epoch ms / 100)). */
  attemptBuckets: Record<string, number>;
  /** Times a node was told to run two pods of one DaemonSet at once, with examples. */
  duplicates: number;
  duplicateExamples: string[];
  closeCodes: Record<string, number>;
  assignmentsReceived: number;
  assignmentBytes: number;
  statusesSent: number;
  heartbeatsSent: number;
  /** Nodes by the heartbeat interval (seconds) the server gave them last. */
  heartbeatIntervals: Record<string, number>;
  /** process.cpuUsage() of the simulator process, µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
}

export type FromSim = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
