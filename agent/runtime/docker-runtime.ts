// The ContainerRuntime on a Docker engine (API 1.41+), and the only file that talks to
// dockerode: the calls; what they send and how their answers and errors read is in
// docker-shapes.ts.

import { Readable } from "node:stream";
import Docker from "dockerode";
import {
  runtimeError,
  type ContainerCreateSpec,
  type ContainerRuntime,
  type EngineVolume,
  type ExecResult,
  type LogOptions,
  type ObservedContainer,
  type ImageFacts,
  type PullPolicy,
  type RegistryCredential,
  type RuntimeEvent,
} from "./container-runtime.js";
import { classify, createBody, labelList, observedOf, statusOf } from "./docker-shapes.js";
import { demuxInto, JsonLines, untilEnded, type EngineEvent } from "./docker-streams.js";
import type { Duplex } from "node:stream";
import { engineStream } from "./engine-stream.js";
import type { ContainerUsage, EngineStream } from "./stream-runtime.js";
import { EverynodeError } from "../../shared/errors.js";
import { bridgeGatewayOf, type IpamConfig } from "./bridge-gateway.js";

/** Where the engine listens: `unix:///path` or `tcp://host:port` (plain HTTP). */
export function dockerOptions(dockerHost: string | undefined): Docker.DockerOptions {
  const host = dockerHost ?? "unix:///var/run/docker.sock";
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  const url = new URL(host.replace(/^tcp:/, "http:"));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
}

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;

  constructor(options: { dockerHost?: string } = {}) {
    this.docker = new Docker(dockerOptions(options.dockerHost));
  }

  async bridgeGateway(): Promise<string | undefined> {
    try {
      const net = (await this.docker.getNetwork("bridge").inspect()) as { IPAM?: { Config?: IpamConfig[] } };
      return bridgeGatewayOf(net.IPAM?.Config);
    } catch {
      return undefined;
    }
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.docker.getImage(ref).inspect();
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      throw classify(`inspect image ${ref}`, e);
    }
  }

  async inspectImage(ref: string): Promise<ImageFacts | undefined> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return { sizeBytes: info.Size, names: [...(info.RepoTags ?? []), ...(info.RepoDigests ?? [])] };
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw classify(`inspect image ${ref}`, e);
    }
  }

  async pull(ref: string, credentials: readonly RegistryCredential[] = []): Promise<void> {
    // Without credentials one anonymous pull; with them, each in turn, as a kubelet does.
    const tries: (RegistryCredential | undefined)[] = credentials.length > 0 ? [...credentials] : [undefined];
    let last: unknown;
    for (const authconfig of tries) {
      try {
        await this.progressOf(await this.docker.pull(ref, authconfig ? { authconfig } : {}));
        return;
      } catch (e) {
        last = e;
      }
    }
    const err = classify(`pull image ${ref}`, last);
    // A pull the registry refused (or could not be reached for) is what ErrImagePull reports.
    throw runtimeError(
      `failed to pull image "${ref}": ${err.message.replace(/^pull image \S+: /, "")}`,
      err.temporary,
      last,
    );
  }

  /** Waits for the end of an engine progress stream (pull, import); rejects on its error. */
  private progressOf(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = err ?? out.find((o) => o.error)?.error;
        if (failed) reject(failed instanceof Error ? failed : new Error(failed));
        else resolve();
      });
    });
  }

  async ensureImage(
    ref: string,
    policy: PullPolicy,
    credentials?: readonly RegistryCredential[],
  ): Promise<void> {
    if (policy !== "Always" && (await this.imageExists(ref))) return;
    if (policy === "Never") {
      throw runtimeError(`container image "${ref}" is not present with pull policy of Never`, false);
    }
    await this.pull(ref, credentials);
  }

  async imageUser(ref: string): Promise<string> {
    try {
      return (await this.docker.getImage(ref).inspect()).Config?.User ?? "";
    } catch (e) {
      throw classify(`inspect image ${ref}`, e);
    }
  }

  async importImage(ref: string, rootfs: Buffer, entrypoint: string[]): Promise<void> {
    const [repo, tag] = ref.includes(":")
      ? [ref.slice(0, ref.lastIndexOf(":")), ref.slice(ref.lastIndexOf(":") + 1)]
      : [ref, "latest"];
    try {
      const stream = await this.docker.importImage(Readable.from([rootfs]), {
        repo,
        tag,
        changes: `ENTRYPOINT ${JSON.stringify(entrypoint)}`,
      });
      await this.progressOf(stream);
    } catch (e) {
      throw classify(`import image ${ref}`, e);
    }
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    try {
      const c = await this.docker.createContainer(createBody(spec));
      return c.id;
    } catch (e) {
      throw classify(`create container ${spec.name}`, e);
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (e) {
      if (statusOf(e) === 304) return;
      throw classify(`start container ${id.slice(0, 12)}`, e);
    }
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) });
    } catch (e) {
      if (statusOf(e) === 304 || statusOf(e) === 404) return;
      throw classify(`stop container ${id.slice(0, 12)}`, e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      if (statusOf(e) === 404 || statusOf(e) === 409) return;
      throw classify(`remove container ${id.slice(0, 12)}`, e);
    }
  }

  async inspect(id: string): Promise<ObservedContainer | undefined> {
    try {
      return observedOf(await this.docker.getContainer(id).inspect());
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw classify(`inspect container ${id.slice(0, 12)}`, e);
    }
  }

  async list(labelFilter: Record<string, string>): Promise<ObservedContainer[]> {
    let infos: Docker.ContainerInfo[];
    try {
      infos = await this.docker.listContainers({ all: true, filters: { label: labelList(labelFilter) } });
    } catch (e) {
      throw classify("list containers", e);
    }
    // The list lacks exit details (code, times, OOM): inspect each one.
    const all = await Promise.all(infos.map((i) => this.inspect(i.Id)));
    return all.filter((c): c is ObservedContainer => c !== undefined);
  }

  async logs(
    id: string,
    opts: LogOptions,
    sink: (chunk: Buffer, stream?: "stdout" | "stderr") => void,
    signal: AbortSignal,
  ): Promise<void> {
    const base = {
      stdout: true,
      stderr: true,
      timestamps: opts.timestamps,
      ...(opts.tailLines !== undefined ? { tail: opts.tailLines } : {}),
      ...(opts.since !== undefined ? { since: opts.since } : {}),
    };
    const container = this.docker.getContainer(id);
    try {
      const stream = opts.follow
        ? await container.logs({ ...base, follow: true, abortSignal: signal })
        : Readable.from([await container.logs({ ...base, follow: false })]);
      demuxInto(this.docker.modem, stream, sink);
      await untilEnded(stream, signal);
    } catch (e) {
      if (signal.aborted) return;
      if (statusOf(e) === 404) throw new EverynodeError("NotFound", `container ${id.slice(0, 12)} not found`);
      throw classify(`logs of container ${id.slice(0, 12)}`, e);
    }
  }

  async events(
    labelFilter: Record<string, string>,
    signal: AbortSignal,
    onEvent: (e: RuntimeEvent) => void,
  ): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.getEvents({
        filters: { type: ["container"], label: labelList(labelFilter) },
        abortSignal: signal,
      } as Docker.GetEventsOptions);
    } catch (e) {
      if (signal.aborted) return;
      throw classify("watch engine events", e);
    }
    const lines = new JsonLines((ev: EngineEvent) =>
      onEvent({ containerId: ev.id ?? "", action: ev.Action ?? "", labels: ev.Actor?.Attributes ?? {} }),
    );
    await untilEnded(stream, signal, (c) => lines.push(c));
  }

  async exec(id: string, command: string[], signal: AbortSignal): Promise<ExecResult> {
    const chunks: Buffer[] = [];
    const output = (): string => Buffer.concat(chunks).toString("utf8");
    try {
      const exec = await this.docker
        .getContainer(id)
        .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack: true, stdin: false });
      demuxInto(this.docker.modem, stream, (p) => chunks.push(p));
      await untilEnded(stream, signal);
      // The exit code can lag the stream's end by a moment.
      for (let i = 0; i < 20 && !signal.aborted; i++) {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null) return { exitCode: info.ExitCode, output: output() };
      }
      return { exitCode: -1, output: output() };
    } catch (e) {
      throw classify(`exec in container ${id.slice(0, 12)}`, e);
    }
  }

  async listVolumes(labelFilter: Record<string, string>): Promise<EngineVolume[]> {
    try {
      const out = await this.docker.listVolumes({ filters: { label: labelList(labelFilter) } });
      return (out.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} }));
    } catch (e) {
      throw classify("list volumes", e);
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove();
    } catch (e) {
      if (statusOf(e) === 404 || statusOf(e) === 409) return;
      throw classify(`remove volume ${name}`, e);
    }
  }

  async version(): Promise<string> {
    try {
      return (await this.docker.version()).Version;
    } catch (e) {
      throw classify("engine version", e);
    }
  }

  // ---------------------------------------------------------------- streams (stream-runtime.ts)
  // exec, attach, port-forward targets and usage for kubectl exec/attach/port-forward/top.

  async execStream(
    id: string,
    a: { command: string[]; stdin: boolean; tty: boolean },
  ): Promise<EngineStream> {
    try {
      const exec = await this.docker.getContainer(id).exec({
        Cmd: a.command,
        AttachStdin: a.stdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: a.tty,
      });
      const socket = (await exec.start({ hijack: true, stdin: a.stdin, Tty: a.tty })) as unknown as Duplex;
      return engineStream(
        socket,
        a.tty,
        (w, h) => exec.resize({ w, h }),
        async () => {
          for (let i = 0; i < 20; i++) {
            const info = await exec.inspect();
            if (!info.Running && info.ExitCode !== null) return info.ExitCode;
            await new Promise((r) => setTimeout(r, 50));
          }
          return undefined;
        },
      );
    } catch (e) {
      throw classify(`exec in container ${id.slice(0, 12)}`, e);
    }
  }

  async attach(containerId: string, o: { stdin: boolean; tty: boolean }): Promise<EngineStream> {
    try {
      const container = this.docker.getContainer(containerId);
      const socket = (await container.attach({
        stream: true,
        stdin: o.stdin,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as unknown as Duplex;
      return engineStream(
        socket,
        o.tty,
        (w, h) => container.resize({ w, h }),
        async () => undefined,
      );
    } catch (e) {
      throw classify(`attach to container ${containerId.slice(0, 12)}`, e);
    }
  }

  async portAddress(containerId: string): Promise<string> {
    try {
      let info = await this.docker.getContainer(containerId).inspect();
      // A container that shares another's network (a pod's sandbox) is reached at that one's address.
      const shared = /^container:(.+)$/.exec(info.HostConfig.NetworkMode ?? "");
      if (shared) info = await this.docker.getContainer(shared[1]!).inspect();
      if (info.HostConfig.NetworkMode === "host") return "127.0.0.1";
      const ip =
        (info.NetworkSettings as { IPAddress?: string }).IPAddress ||
        Object.values(info.NetworkSettings.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
      if (!ip) throw runtimeError(`container ${containerId.slice(0, 12)} has no IP address`, false);
      return ip;
    } catch (e) {
      throw classify(`address of container ${containerId.slice(0, 12)}`, e);
    }
  }

  async usage(containerId: string): Promise<ContainerUsage> {
    try {
      const stats = (await this.docker
        .getContainer(containerId)
        .stats({ stream: false, "one-shot": true } as { stream: false })) as unknown as {
        cpu_stats?: { cpu_usage?: { total_usage?: number } };
        memory_stats?: { usage?: number; stats?: Record<string, number> };
      };
      const memory = stats.memory_stats ?? {};
      // As the kubelet's working set: usage less the inactive file cache.
      const inactive = memory.stats?.inactive_file ?? memory.stats?.total_inactive_file ?? 0;
      return {
        cpuNanoseconds: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
        memoryBytes: Math.max(0, (memory.usage ?? 0) - inactive),
      };
    } catch (e) {
      throw classify(`stats of container ${containerId.slice(0, 12)}`, e);
    }
  }
}
