// Loaded with `node --expose-gc --import` into an `everynode server` that a test spawns with an
// IPC channel: answers {op: "stats"} with what the server's own event loop and heap did since
// the last reset, so that a test can tell a request that blocked the server from a machine
// that was merely busy (CPU time used in the window) or a garbage collection.

/* global process */
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
let cpuAtReset = process.cpuUsage();
let gcMaxMs = 0;
let gcTotalMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMaxMs = Math.max(gcMaxMs, entry.duration);
    gcTotalMs += entry.duration;
  }
}).observe({ entryTypes: ["gc"] });

function heapMb() {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

process.on("message", (msg) => {
  if (!msg || msg.op !== "stats") return;
  if (msg.gc && typeof globalThis.gc === "function") globalThis.gc();
  const cpu = process.cpuUsage(cpuAtReset);
  process.send?.({
    id: msg.id,
    maxDelayMs: delay.max / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    gcMaxMs,
    gcTotalMs,
    heapUsedMb: heapMb(),
    rssMb: process.memoryUsage().rss / 1024 / 1024,
  });
  if (msg.reset) {
    delay.reset();
    cpuAtReset = process.cpuUsage();
    gcMaxMs = 0;
    gcTotalMs = 0;
  }
});
// The IPC channel must not keep a stopped server alive.
process.channel?.unref();
