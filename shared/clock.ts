// Time as a dependency: every component that waits or compares times takes a Clock, so
// tests move time forward instead of sleeping.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError when `signal` fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

type Canceller = (reason: unknown) => void;

interface SignalWaiters {
  cancellers: Set<Canceller>;
  onAbort: () => void;
}

// Thousands of waits may share one signal (a worker's, a session's): each signal gets one
// listener for all of them, so adding and removing a wait costs O(1) and Node never warns
// of a listener leak.
const waitersBySignal = new WeakMap<AbortSignal, SignalWaiters>();

/**
 * Calls `cancel` with the signal's reason when `signal` fires; the returned function
 * forgets it (call it when the wait ends first). A signal that already fired cancels at once.
 */
export function onAbort(signal: AbortSignal, cancel: Canceller): () => void {
  if (signal.aborted) {
    cancel(signal.reason ?? new Error("aborted"));
    return () => {};
  }
  let waiters = waitersBySignal.get(signal);
  if (!waiters) {
    const cancellers = new Set<Canceller>();
    const fire = (): void => {
      waitersBySignal.delete(signal);
      const reason: unknown = signal.reason ?? new Error("aborted");
      for (const c of cancellers) c(reason);
      cancellers.clear();
    };
    waiters = { cancellers, onAbort: fire };
    waitersBySignal.set(signal, waiters);
    signal.addEventListener("abort", fire, { once: true });
  }
  const w = waiters;
  w.cancellers.add(cancel);
  return () => {
    if (!w.cancellers.delete(cancel) || w.cancellers.size > 0) return;
    waitersBySignal.delete(signal);
    signal.removeEventListener("abort", w.onAbort);
  };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason ?? new Error("aborted"));
        return;
      }
      const timer = setTimeout(() => {
        forget?.();
        resolve();
      }, ms);
      const forget = signal
        ? onAbort(signal, (reason) => {
            clearTimeout(timer);
            reject(reason);
          })
        : undefined;
    }),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return () => clearInterval(timer);
  },
};

/** The last second and millisecond formatted: a burst stamps thousands of objects within one. */
let lastSecond = NaN;
let lastSecondText = "";
let lastMilli = NaN;
let lastMilliText = "";

/** RFC 3339 with seconds, as Kubernetes writes timestamps. */
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecondText = new Date(second * 1000).toISOString().replace(".000Z", "Z");
    lastSecond = second;
  }
  return lastSecondText;
}

/** RFC 3339 with microseconds (Kubernetes' MicroTime). */
export function rfc3339Micro(ms: number): string {
  if (ms !== lastMilli) {
    lastMilliText = new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    lastMilli = ms;
  }
  return lastMilliText;
}
