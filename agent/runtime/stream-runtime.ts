// What the agent's stream server (exec, attach, port-forward, top) needs of the engine, in
// everynode's own types; docker-runtime.ts implements it.

/** A live exec or attach: its input, its output by channel (1 stdout, 2 stderr), its end. */
export interface EngineStream {
  /** Writes stdin; `done` once the engine took it (credit goes back then). */
  write(data: Buffer, done: () => void): void;
  /** Closes stdin (the command sees EOF). */
  endInput(): void;
  onOutput(listener: (channel: 1 | 2, data: Buffer) => void): void;
  /** Stops and restarts reading the output (back-pressure). */
  pause(): void;
  resume(): void;
  resize(width: number, height: number): Promise<void>;
  /** Resolves once the output ended, with the exit code when the engine knows it. */
  finished: Promise<number | undefined>;
  /** Cuts the stream (the client went away). */
  close(): void;
}

/** CPU time used so far and memory in use now, of one container. */
export interface ContainerUsage {
  cpuNanoseconds: number;
  memoryBytes: number;
}

export interface StreamRuntime {
  execStream(
    containerId: string,
    o: { command: string[]; stdin: boolean; tty: boolean },
  ): Promise<EngineStream>;
  attach(containerId: string, o: { stdin: boolean; tty: boolean }): Promise<EngineStream>;
  /** The address a pod's ports are reached at: its IP, or 127.0.0.1 on the host's network. */
  portAddress(containerId: string): Promise<string>;
  usage(containerId: string): Promise<ContainerUsage>;
}
