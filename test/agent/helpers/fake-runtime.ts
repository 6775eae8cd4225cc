// An in-memory ContainerRuntime for tests of the session and agent wiring, where a real
// engine would only add time: containers are records, images a set.

import type {
  ContainerCreateSpec,
  ContainerRuntime,
  LogOptions,
  ObservedContainer,
  PullPolicy,
  RuntimeEvent,
} from "../../../agent/runtime/container-runtime.js";
import { runtimeError } from "../../../agent/runtime/container-runtime.js";
import type { Clock } from "../../../shared/clock.js";

export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, ObservedContainer & { spec: ContainerCreateSpec }>();
  readonly images = new Set<string>(["everynode/web:test"]);
  private next = 1;
  private listeners: ((e: RuntimeEvent) => void)[] = [];

  constructor(private readonly clock: Clock) {}

  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }
  async pull(ref: string): Promise<void> {
    throw runtimeError(`failed to pull image "${ref}": no registry`, true);
  }
  async ensureImage(ref: string, policy: PullPolicy): Promise<void> {
    if (policy !== "Always" && this.images.has(ref)) return;
    await this.pull(ref);
  }
  async importImage(ref: string): Promise<void> {
    this.images.add(ref);
  }
  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const id = `fake${String(this.next++).padStart(8, "0")}`;
    this.containers.set(id, {
      id,
      name: spec.name,
      labels: spec.labels,
      image: spec.image,
      imageId: "sha256:fake",
      state: "created",
      exitCode: 0,
      createdAt: this.clock.now(),
      oomKilled: false,
      spec,
    });
    return id;
  }
  async start(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) throw runtimeError(`no such container ${id}`, false);
    c.state = "running";
    c.startedAt = this.clock.now();
    this.emit(c, "start");
  }
  async stop(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c || c.state !== "running") return;
    c.state = "exited";
    c.exitCode = 143;
    c.finishedAt = this.clock.now();
  }
  async remove(id: string): Promise<void> {
    this.containers.delete(id);
  }
  async list(filter: Record<string, string>): Promise<ObservedContainer[]> {
    return [...this.containers.values()]
      .filter((c) => Object.entries(filter).every(([k, v]) => c.labels[k] === v))
      .map((c) => ({ ...c }));
  }
  async inspect(id: string): Promise<ObservedContainer | undefined> {
    const c = this.containers.get(id);
    return c ? { ...c } : undefined;
  }
  async logs(id: string, _opts: LogOptions, sink: (chunk: Buffer) => void): Promise<void> {
    if (!this.containers.has(id)) throw runtimeError(`no such container ${id}`, false);
    sink(Buffer.from(`log of ${id}\n`));
  }
  async events(
    _f: Record<string, string>,
    signal: AbortSignal,
    onEvent: (e: RuntimeEvent) => void,
  ): Promise<void> {
    this.listeners.push(onEvent);
    await new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
    this.listeners = this.listeners.filter((l) => l !== onEvent);
  }
  async version(): Promise<string> {
    return "20.10.24-fake";
  }

  /** The containers of one node. */
  /** The node's pod containers (not their sandboxes). */
  ofNode(node: string): ObservedContainer[] {
    return this.allOf(node).filter((c) => c.labels["io.everynode.container.name"] !== "POD");
  }

  /** Everything the node runs, sandboxes included. */
  allOf(node: string): ObservedContainer[] {
    return [...this.containers.values()].filter((c) => c.labels["io.everynode.node"] === node);
  }

  private emit(c: ObservedContainer, action: string): void {
    for (const l of this.listeners) l({ containerId: c.id, action, labels: c.labels });
  }
}
