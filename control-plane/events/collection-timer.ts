// Every 10 s, in ~10 ms transactions: expired events go (a busy fleet makes tens of thousands
// a minute), and the watch history forgets what is past its age though nothing new came.
// A collection still running when the next is due is not started again.

import type { Clock } from "../../shared/clock.js";
import type { SliceScheduler } from "../slices.js";
import type { Store } from "../store/store.js";
import type { EventRecorder } from "./event-recorder.js";

const COLLECT_EVERY_MS = 10_000;
const SLICE_MS = 10;

/** Starts the timer; returns what stops it. */
export function startEventCollection(deps: {
  store: Pick<Store, "expireHistory">;
  events: Pick<EventRecorder, "gcInSteps">;
  slices: SliceScheduler;
  clock: Clock;
}): () => void {
  let collecting = false;
  return deps.clock.every(COLLECT_EVERY_MS, () => {
    deps.store.expireHistory();
    if (collecting) return;
    collecting = true;
    deps.events.gcInSteps(deps.slices, SLICE_MS, () => (collecting = false));
  });
}
