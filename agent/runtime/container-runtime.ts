// The agent's only seam to a container engine, in everynode's own types: the worker plans
// and acts through this interface, the Docker implementation sits behind it, and tests can
// swap in a fake. Every failure is an EverynodeError "RuntimeError" whose `temporary` says
// whether a retry can help (engine unreachable, 5xx) or not (bad image, invalid config).

import { EverynodeError } from "../../shared/errors.js";

/** When to pull: Kubernetes' imagePullPolicy. */
export type PullPolicy = "Always" | "IfNotPresent" | "Never";

export type ContainerStateName = "created" | "running" | "exited";

/** A bind mount of a host path (hostPath volumes and emptyDir folders under the data dir). */
export interface BindMount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
  /** hostPath.type: checked (and created for the *OrCreate kinds) before the container is made. */
  hostPathType: string;
  /** The pod volume it comes from, for messages. */
  volume?: string;
  /** With a subPath: the volume's root, where `hostPathType` is checked. */
  subPathOf?: string;
  /** mountPropagation: rslave (HostToContainer) or rshared (Bidirectional); rprivate if unset. */
  propagation?: "rslave" | "rshared";
  /** An emptyDir of a pod with an fsGroup: the group its folder gets when made (fs-group.ts). */
  ownership?: { gid: number; readOnly: boolean };
  /** An emptyDir on disk: its folder is made world-writable (0777), as the kubelet makes it. */
  emptyDir?: boolean;
}

/**
 * A memory-backed emptyDir: an engine volume on a tmpfs of `sizeBytes`, made on first use.
 * The pod's sandbox mounts it too, so it lives as long as the pod, not one container.
 */
export interface TmpfsVolumeMount {
  /** The engine volume's name (one per pod and volume). */
  volume: string;
  containerPath: string;
  readOnly: boolean;
  sizeBytes: number;
  labels: Record<string, string>;
  /** The pod's fsGroup: the tmpfs root's group, with `mode` (fs-group.ts). */
  ownership?: { gid: number; mode: number };
}

/** An engine volume the agent made. */
export interface EngineVolume {
  name: string;
  labels: Record<string, string>;
}

export interface PortBinding {
  containerPort: number;
  protocol: "tcp" | "udp" | "sctp";
  hostPort: number;
  hostIP: string;
}

/** Everything needed to create one container. */
export interface ContainerCreateSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** `NAME=value` entries. */
  env: string[];
  /** Replaces the image's ENTRYPOINT when set (Kubernetes `command`). */
  entrypoint?: string[];
  /** Replaces the image's CMD when set (Kubernetes `args`). */
  cmd?: string[];
  workingDir?: string;
  ports: PortBinding[];
  hostNetwork: boolean;
  /** Docker's network mode when not just host or bridge: `container:<sandbox id>`. */
  networkMode?: string;
  /** `shareable` (a sandbox), `host`, or `container:<sandbox id>`. */
  ipcMode?: string;
  /** `host`, or `container:<sandbox id>` (shareProcessNamespace). */
  pidMode?: string;
  /** The sandbox's host name (its containers share its UTS namespace). */
  hostname?: string;
  binds: BindMount[];
  /** Memory-backed emptyDir volumes. */
  tmpfsVolumes?: TmpfsVolumeMount[];
  nanoCpus?: number;
  /** The CPU weight from the cpu request. */
  cpuShares?: number;
  memoryBytes?: number;
  privileged: boolean;
  /** `uid[:gid]` (runAsUser, runAsGroup). */
  user?: string;
  /** Supplementary groups (fsGroup, supplementalGroups). */
  groupAdd?: string[];
  capAdd?: string[];
  capDrop?: string[];
  readOnlyRootfs?: boolean;
  /** `no-new-privileges`, `seccomp=unconfined` or `seccomp=<profile JSON>`. */
  securityOpt?: string[];
  /** DNS servers, searches and options (dnsPolicy None with dnsConfig). */
  dns?: { servers: string[]; search: string[]; options: string[] };
  /** `host:ip` lines for /etc/hosts (hostAliases). */
  extraHosts?: string[];
  /** Run an init as PID 1 so that SIGTERM reaches any image's process. */
  init: boolean;
}

/** What the engine knows of an image: its size and its tags and digests. */
export interface ImageFacts {
  sizeBytes: number;
  names: string[];
}

/** What the engine reports about one container. */
export interface ObservedContainer {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** The image reference the container was created from. */
  image: string;
  /** The image's content id (`sha256:...`). */
  imageId: string;
  state: ContainerStateName;
  exitCode: number;
  /** Epoch ms; undefined when never started. */
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  oomKilled: boolean;
  /** The engine's error text for a container that could not run. */
  error?: string;
  /** The container's IP on its (bridge) network, if any. */
  ipAddress?: string;
}

export interface LogOptions {
  follow: boolean;
  tailLines?: number;
  timestamps: boolean;
  /** Epoch seconds. */
  since?: number;
}

export interface RuntimeEvent {
  containerId: string;
  /** Engine action: create, start, die, stop, destroy, oom, ... */
  action: string;
  labels: Record<string, string>;
}

/** How a command run in a container ended, with its combined stdout and stderr. */
export interface ExecResult {
  exitCode: number;
  output: string;
}

/** One set of credentials for one registry, in the engine's terms (from a pod's pull Secrets). */
export interface RegistryCredential {
  username?: string;
  password?: string;
  /** Docker Hub's tokens and some registries' OAuth refresh tokens. */
  identitytoken?: string;
  /** The registry the engine sends them to. */
  serveraddress: string;
}

export interface ContainerRuntime {
  /**
   * Makes sure the image is present according to the policy (pulls when needed); with
   * `credentials`, a pull tries each in turn (the first that works wins).
   */
  ensureImage(ref: string, policy: PullPolicy, credentials?: readonly RegistryCredential[]): Promise<void>;
  imageExists(ref: string): Promise<boolean>;
  /** The gateway of the network bridged pods join (an address of this host), if known. */
  bridgeGateway?(): Promise<string | undefined>;
  /** The image's size and the names it goes by, or undefined when absent (optional: pre-pull reports). */
  inspectImage?(ref: string): Promise<ImageFacts | undefined>;
  pull(ref: string, credentials?: readonly RegistryCredential[]): Promise<void>;
  /** Creates the container (not started); returns its id. */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL once `graceSeconds` have passed. A stopped container is fine. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Removes the container (forcefully); an absent container is fine. */
  remove(id: string): Promise<void>;
  /** Containers (running or not) carrying all the given labels. */
  list(labelFilter: Record<string, string>): Promise<ObservedContainer[]>;
  /** One container, or undefined when it does not exist. */
  inspect(id: string): Promise<ObservedContainer | undefined>;
  /** Streams logs to `sink` until the end (or until `signal` fires when following). */
  logs(
    id: string,
    opts: LogOptions,
    sink: (chunk: Buffer, stream?: "stdout" | "stderr") => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** Streams engine events for containers carrying the labels until `signal` fires. */
  events(
    labelFilter: Record<string, string>,
    signal: AbortSignal,
    onEvent: (e: RuntimeEvent) => void,
  ): Promise<void>;
  /**
   * Runs `command` in a running container until it ends or `signal` fires (then exitCode is
   * -1). Optional: without it, exec probes report Unknown.
   */
  exec?(id: string, command: string[], signal: AbortSignal): Promise<ExecResult>;
  /** The user an image runs as (its USER; "" for root). Optional: without it, root is assumed. */
  imageUser?(ref: string): Promise<string>;
  /**
   * Makes image `ref` from a root filesystem (a tar) whose `entrypoint` is given, as `docker
   * import` does: how the agent makes its pause image without a registry.
   */
  importImage?(ref: string, rootfs: Buffer, entrypoint: string[]): Promise<void>;
  /** Engine volumes carrying all the given labels (optional: memory-backed emptyDirs). */
  listVolumes?(labelFilter: Record<string, string>): Promise<EngineVolume[]>;
  /** Removes a volume; an absent one, or one still in use, is left (a later sweep retries). */
  removeVolume?(name: string): Promise<void>;
  /** The engine's version, e.g. "20.10.24". */
  version(): Promise<string>;
}

/** A runtime error; `temporary` says whether retrying later can help. */
export function runtimeError(message: string, temporary: boolean, cause?: unknown): EverynodeError {
  return new EverynodeError("RuntimeError", message, { temporary, cause });
}
