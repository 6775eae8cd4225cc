// The Kubernetes object shapes everynode serves and stores. Only the fields everynode reads
// or writes are typed; everything else a client sends is kept as it came (the index
// signatures), because kubectl diffs against what it stored.

export * from "./object-meta.js";
export * from "./scheduling-types.js";
import type { KubeObject, ObjectMeta } from "./object-meta.js";
import type { Affinity, LabelSelector, Taint, Toleration } from "./scheduling-types.js";

// ---------------------------------------------------------------- pods

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { apiVersion?: string; fieldPath: string };
    configMapKeyRef?: ConfigMapKeySelector;
    secretKeyRef?: SecretKeySelector;
    [extra: string]: unknown;
  };
}

/** One key of a ConfigMap (env `valueFrom`). */
export interface ConfigMapKeySelector {
  name: string;
  key: string;
  optional?: boolean;
}

/** One key of a Secret: the same shape. */
export type SecretKeySelector = ConfigMapKeySelector;

/** A whole ConfigMap or Secret as variables (a container's `envFrom`). */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  protocol?: "TCP" | "UDP" | "SCTP";
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
  mountPropagation?: "None" | "HostToContainer" | "Bidirectional";
}

export interface Volume {
  name: string;
  hostPath?: { path: string; type?: string };
  emptyDir?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface ResourceRequirements {
  limits?: Record<string, string | number>;
  requests?: Record<string, string | number>;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: ContainerPort[];
  volumeMounts?: VolumeMount[];
  resources?: ResourceRequirements;
  securityContext?: { privileged?: boolean; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  shareProcessNamespace?: boolean;
  volumes?: Volume[];
  restartPolicy?: "Always" | "OnFailure" | "Never";
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  dnsPolicy?: string;
  schedulerName?: string;
  securityContext?: Record<string, unknown>;
  imagePullSecrets?: { name?: string }[];
  serviceAccountName?: string;
  [extra: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec: PodSpec;
}

export interface PodCondition {
  type: "PodScheduled" | "Initialized" | "ContainersReady" | "Ready" | string;
  status: "True" | "False" | "Unknown";
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode: number;
    signal?: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface PodStatus {
  phase?: PodPhase;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  message?: string;
  reason?: string;
  qosClass?: string;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}

// ---------------------------------------------------------------- nodes

export interface NodeCondition {
  type: "Ready" | "MemoryPressure" | "DiskPressure" | "PIDPressure" | "NetworkUnavailable" | string;
  status: "True" | "False" | "Unknown";
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeAddress {
  type: "InternalIP" | "ExternalIP" | "Hostname" | string;
  address: string;
}

export interface NodeSystemInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  operatingSystem: string;
  architecture: string;
}

export interface NodeSpec {
  taints?: Taint[];
  unschedulable?: boolean;
  podCIDR?: string;
  [extra: string]: unknown;
}

export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: NodeCondition[];
  addresses?: NodeAddress[];
  nodeInfo?: NodeSystemInfo;
  daemonEndpoints?: Record<string, unknown>;
  /** everynode: the images the node's agent has among those a rollout asked it to pre-pull. */
  images?: ContainerImage[];
  [extra: string]: unknown;
}

/** v1 ContainerImage: an image on a node. */
export interface ContainerImage {
  names?: string[];
  sizeBytes?: number;
}

export interface Node extends KubeObject {
  spec: NodeSpec;
  status?: NodeStatus;
}

// ---------------------------------------------------------------- daemonsets

/** everynode's automatic pause of a rollout whose new pods fail (ExtendedDaemonSet's autoPause). */
export interface DaemonSetAutoPause {
  /** Default true. */
  enabled?: boolean;
  /** Container restarts of a new-revision pod that pause the rollout; default 3. */
  maxRestarts?: number;
  /** Seconds a new-revision pod may stay not Ready before it pauses the rollout; default 300. */
  maxNotReadySeconds?: number;
}

export interface RollingUpdateDaemonSet {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
  // everynode's rollout fields (see control-plane/kube/kinds/daemonset-rollout.ts).
  paused?: boolean;
  partition?: number | string;
  selector?: LabelSelector;
  progressDeadlineSeconds?: number;
  autoRollback?: boolean;
  autoPause?: DaemonSetAutoPause;
  prePull?: boolean;
}

export interface DaemonSetUpdateStrategy {
  type?: "RollingUpdate" | "OnDelete";
  rollingUpdate?: RollingUpdateDaemonSet;
}

export interface DaemonSetSpec {
  selector: LabelSelector;
  template: PodTemplateSpec;
  updateStrategy?: DaemonSetUpdateStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  [extra: string]: unknown;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  collisionCount?: number;
  conditions?: DaemonSetCondition[];
  /** everynode: the rollout's revisions, counts and automatic stops. */
  rollout?: DaemonSetRolloutStatus;
}

export interface DaemonSetCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A rollout stopped by the controller itself (auto-pause or progress deadline). */
export interface DaemonSetRolloutStop {
  /** The revision hash it stopped; a new template lifts it. */
  hash: string;
  reason: string;
  message: string;
  time: string;
  /** False once the user resumed it (the same revision is then not stopped again). */
  active: boolean;
  /** The stable revision's hash the controller rolled back to, if it did. */
  rolledBackTo?: string;
}

export interface DaemonSetRolloutStatus {
  /** The revision being rolled out (the template's) and its hash. */
  updateRevision: number;
  updateHash: string;
  /** The last revision that ran available on every node; what a held-back or paused node gets. */
  stableRevision?: number;
  stableHash?: string;
  /** Desired nodes whose pod is of the update revision, of another one, or held back on the old one. */
  updatedNodes: number;
  oldNodes: number;
  heldBackNodes: number;
  /** Desired nodes with an available pod of the update revision. */
  updatedAvailableNodes: number;
  /** When a node last became updated and available (or the rollout started or resumed). */
  lastProgressTime?: string;
  stop?: DaemonSetRolloutStop;
  /** Pre-pull: nodes due for the update whose agent has the new images. */
  prePulledNodes?: number;
  prePullPendingNodes?: number;
}

export interface DaemonSet extends KubeObject {
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

export interface ControllerRevision extends KubeObject {
  data: unknown;
  revision: number;
}

// ---------------------------------------------------------------- namespaces and events

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: "Active" | "Terminating" };
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface KubeEvent extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string | null;
  count?: number;
  type?: "Normal" | "Warning";
  reportingComponent?: string;
  reportingInstance?: string;
}
