// How everynode's container specs and the Docker engine's records translate, with no engine
// call: the create body of a container, an inspected container as observed, engine errors
// as temporary or permanent. Pure, so the runtime (docker-runtime.ts, the only file that
// talks to dockerode) is only calls; the types here are the engine API's, as far as used.

import {
  runtimeError,
  type ContainerCreateSpec,
  type ObservedContainer,
  type TmpfsVolumeMount,
} from "./container-runtime.js";
import { EverynodeError } from "../../shared/errors.js";

interface EngineError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** Maps an engine or socket error to a RuntimeError with `temporary` set. */
export function classify(what: string, e: unknown): EverynodeError {
  if (e instanceof EverynodeError) return e;
  const err = (e ?? {}) as EngineError;
  const detail = err.json?.message ?? err.message ?? String(e);
  if (err.statusCode === undefined)
    return runtimeError(`${what}: the Docker engine is unreachable (${detail})`, true, e);
  return runtimeError(`${what}: ${detail}`, err.statusCode >= 500, e);
}

/** The HTTP status of an engine error, if the engine answered. */
export function statusOf(e: unknown): number | undefined {
  return (e as EngineError | undefined)?.statusCode;
}

function timeOf(s: string | undefined): number | undefined {
  if (!s || s.startsWith("0001-")) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** What of a container's inspection everynode reads. */
export interface InspectedContainer {
  Id: string;
  Name: string;
  Image: string;
  Created: string;
  Config: { Labels?: Record<string, string> | null; Image: string };
  State: {
    Status: string;
    ExitCode: number;
    OOMKilled: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Error?: string;
  };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> };
}

export function observedOf(info: InspectedContainer): ObservedContainer {
  const st = info.State.Status;
  const state =
    st === "created"
      ? "created"
      : st === "running" || st === "paused" || st === "restarting"
        ? "running"
        : "exited";
  const networks = Object.values(info.NetworkSettings?.Networks ?? {});
  const ip = networks.find((n) => n.IPAddress)?.IPAddress;
  const o: ObservedContainer = {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    labels: info.Config.Labels ?? {},
    image: info.Config.Image,
    imageId: info.Image,
    state,
    exitCode: info.State.ExitCode,
    createdAt: timeOf(info.Created) ?? 0,
    oomKilled: info.State.OOMKilled,
  };
  const started = timeOf(info.State.StartedAt);
  if (started !== undefined) o.startedAt = started;
  const finished = timeOf(info.State.FinishedAt);
  if (finished !== undefined && state !== "running") o.finishedAt = finished;
  if (info.State.Error) o.error = info.State.Error;
  if (ip) o.ipAddress = ip;
  return o;
}

/** A volume mount of the engine's create body (the only kind everynode makes: tmpfs volumes). */
interface VolumeMountBody {
  Type: "volume";
  Source: string;
  Target: string;
  ReadOnly: boolean;
  VolumeOptions: {
    NoCopy: boolean;
    Labels: Record<string, string>;
    DriverConfig: { Name: string; Options: Record<string, string> };
  };
}

/** tmpfs mount options: the size, and the fsGroup's group and mode on the root, set by the kernel at mount. */
function tmpfsOptions(v: TmpfsVolumeMount): string {
  const own = v.ownership;
  return `size=${v.sizeBytes}` + (own ? `,mode=${own.mode.toString(8)},gid=${own.gid}` : "");
}

/** A memory-backed emptyDir as an engine mount: a local volume on a tmpfs, made on first use. */
function tmpfsMount(v: TmpfsVolumeMount): VolumeMountBody {
  return {
    Type: "volume",
    Source: v.volume,
    Target: v.containerPath,
    ReadOnly: v.readOnly,
    VolumeOptions: {
      // An emptyDir starts empty: nothing of the image is copied in.
      NoCopy: true,
      Labels: v.labels,
      DriverConfig: { Name: "local", Options: { type: "tmpfs", device: "tmpfs", o: tmpfsOptions(v) } },
    },
  };
}

/** An engine label filter: `key=value` each. */
export function labelList(filter: Record<string, string>): string[] {
  return Object.entries(filter).map(([k, v]) => `${k}=${v}`);
}

/** The engine's HostConfig, as far as everynode sets it. */
interface HostConfigBody {
  Init?: boolean;
  RestartPolicy: { Name: "no" };
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
  NetworkMode: string;
  Binds: string[];
  Privileged?: boolean;
  NanoCpus?: number;
  Memory?: number;
  CpuShares?: number;
  IpcMode?: string;
  PidMode?: string;
  GroupAdd?: string[];
  CapAdd?: string[];
  CapDrop?: string[];
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[];
  Dns?: string[];
  DnsSearch?: string[];
  DnsOptions?: string[];
  ExtraHosts?: string[];
  Mounts?: VolumeMountBody[];
}

/** The engine's container create body, as far as everynode sets it. */
export interface CreateBody {
  name: string;
  Image: string;
  Labels: Record<string, string>;
  Env: string[];
  ExposedPorts: Record<string, object>;
  HostConfig: HostConfigBody;
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Hostname?: string;
  User?: string;
}

/** The engine's create body for a container of a pod: every field of the spec, applied. */
export function createBody(spec: ContainerCreateSpec): CreateBody {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIP, HostPort: String(p.hostPort) });
  }
  const host: HostConfigBody = {
    Init: spec.init,
    // No Docker restart policy: the agent restarts, with Kubernetes' back-off.
    RestartPolicy: { Name: "no" },
    PortBindings: bindings,
    NetworkMode: spec.networkMode ?? (spec.hostNetwork ? "host" : "bridge"),
    Binds: spec.binds.map((b) => {
      const opts = [...(b.readOnly ? ["ro"] : []), ...(b.propagation ? [b.propagation] : [])];
      return `${b.hostPath}:${b.containerPath}${opts.length > 0 ? `:${opts.join(",")}` : ""}`;
    }),
    Privileged: spec.privileged,
  };
  const body: CreateBody = {
    name: spec.name,
    Image: spec.image,
    Labels: spec.labels,
    Env: spec.env,
    ExposedPorts: exposed,
    HostConfig: host,
  };
  if (spec.entrypoint) body.Entrypoint = spec.entrypoint;
  if (spec.cmd) body.Cmd = spec.cmd;
  if (spec.workingDir) body.WorkingDir = spec.workingDir;
  if (spec.hostname) body.Hostname = spec.hostname;
  if (spec.user) body.User = spec.user;
  if (spec.nanoCpus !== undefined) host.NanoCpus = spec.nanoCpus;
  if (spec.memoryBytes !== undefined) host.Memory = spec.memoryBytes;
  if (spec.cpuShares !== undefined) host.CpuShares = spec.cpuShares;
  if (spec.ipcMode) host.IpcMode = spec.ipcMode;
  if (spec.pidMode) host.PidMode = spec.pidMode;
  if (spec.groupAdd) host.GroupAdd = spec.groupAdd;
  if (spec.capAdd) host.CapAdd = spec.capAdd;
  if (spec.capDrop) host.CapDrop = spec.capDrop;
  if (spec.readOnlyRootfs) host.ReadonlyRootfs = true;
  if (spec.securityOpt) host.SecurityOpt = spec.securityOpt;
  if (spec.dns) {
    host.Dns = spec.dns.servers;
    host.DnsSearch = spec.dns.search;
    host.DnsOptions = spec.dns.options;
  }
  if (spec.extraHosts) host.ExtraHosts = spec.extraHosts;
  if (spec.tmpfsVolumes?.length) host.Mounts = spec.tmpfsVolumes.map(tmpfsMount);
  return body;
}
