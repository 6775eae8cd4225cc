// One scheduler for the work the control plane does in slices: the controller's planning
// and writing, the dispatcher's sends and events, the agents' inbox, status writes and the
// event collector. Each used to run its own setImmediate loop with its own 10–20 ms slice,
// so when all of them had work their slices ran back to back in one event-loop turn (60 ms
// and more) while the API waited. Here a turn has one budget, shared in rotation: the task
// after the last one that ran goes first next turn, so none starves, and the loop gets back
// to its sockets (the API among them) every `turnMs` or so.

/**
 * The busy time of one turn in all: the API waits at most about this long (plus the turn's
 * socket reads and a garbage collection) behind the control plane's own work.
 */
export const TURN_MS = 20;

/**
 * Runs a generator's steps until it ends or `deadline` (a performance.now() time) has passed,
 * one step at least so that every slice makes progress; what the last step returned.
 */
export function stepUntil<T>(steps: Generator<void, T>, deadline: number): IteratorResult<void, T> {
  let next: IteratorResult<void, T>;
  do next = steps.next();
  while (!next.done && performance.now() < deadline);
  return next;
}

/** Works until `deadline` (a performance.now() time); true when it has more to do. */
export type SliceWork = (deadline: number) => boolean;

export interface SliceTask {
  /** Asks for a slice: in this turn if the task's turn has not passed yet, else the next. */
  wake(): void;
  /** Stops asking; a slice already running finishes. */
  cancel(): void;
}

interface Task {
  readonly name: string;
  readonly sliceMs: number;
  readonly work: SliceWork;
  ready: boolean;
}

export class SliceScheduler {
  private readonly tasks: Task[] = [];
  private next = 0;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    /** The busy time one turn may take in all, whoever runs. */
    private readonly turnMs: number,
    /** Hears work that threw (the task is woken no more until it asks again). */
    private readonly onError: (name: string, err: unknown) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Adds a task that runs at most `sliceMs` per turn; it runs when woken. */
  add(name: string, sliceMs: number, work: SliceWork): SliceTask {
    const task: Task = { name, sliceMs, work, ready: false };
    this.tasks.push(task);
    return {
      wake: () => {
        task.ready = true;
        this.immediate ??= setImmediate(() => this.turn());
      },
      cancel: () => {
        task.ready = false;
        const i = this.tasks.indexOf(task);
        if (i < 0) return;
        this.tasks.splice(i, 1);
        if (this.next > i) this.next--;
      },
    };
  }

  /** Whether any task waits for a slice. */
  get busy(): boolean {
    return this.tasks.some((t) => t.ready);
  }

  /**
   * One turn: the ready tasks in rotation, each until its own slice or the turn's budget is
   * used up; the first always gets its slice, so every turn makes progress.
   */
  private turn(): void {
    this.immediate = undefined;
    const count = this.tasks.length;
    const first = this.next;
    const end = this.now() + this.turnMs;
    let ran = 0;
    for (let k = 0; k < count && this.tasks.length > 0; k++) {
      const i = (first + k) % this.tasks.length;
      const task = this.tasks[i] as Task;
      if (!task.ready) continue;
      const now = this.now();
      if (ran > 0 && now >= end) break;
      task.ready = false;
      ran++;
      this.next = (i + 1) % this.tasks.length;
      try {
        if (task.work(ran === 1 ? now + task.sliceMs : Math.min(end, now + task.sliceMs))) task.ready = true;
      } catch (err) {
        this.onError(task.name, err);
      }
    }
    if (this.busy) this.immediate ??= setImmediate(() => this.turn());
  }

  /** Stops every task (shutdown). */
  close(): void {
    for (const t of this.tasks) t.ready = false;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }
}
