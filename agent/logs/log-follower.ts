// Follows one container attempt's output from the engine into its CRI file and keeps the
// `/var/log/containers` link to it. It reads from the second of the last record the file
// holds and skips what is already there (so an agent restart neither loses nor repeats
// lines), holds a partial last line until the next output says whether it goes on, and
// retries a broken stream after a back-off. It ends once the container has exited and all
// of its output is on disk, or when the container is gone.

import { mkdir, rename, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { backoffDelay, type BackoffPolicy } from "../../shared/backoff.js";
import type { Clock } from "../../shared/clock.js";
import { EverynodeError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import type { ContainerRuntime } from "../runtime/container-runtime.js";
import {
  containerLinkPath,
  containerLogPath,
  recordsOfFrame,
  ResumeFilter,
  type CriRecord,
  type LogIdentity,
} from "./cri-format.js";
import { LogFile } from "./log-file.js";
import type { RotationPolicy } from "./rotation.js";

/** A broken log stream is read again after 1 s, doubling to 1 min. */
export const FOLLOW_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };

export interface FollowerOptions {
  runtime: ContainerRuntime;
  /** The layout's root (`/var/log`). */
  root: string;
  policy: RotationPolicy;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

/** Points `link` at `target`, replacing whatever is there (atomically, by rename). */
async function linkTo(link: string, target: string): Promise<void> {
  await mkdir(path.dirname(link), { recursive: true });
  const tmp = `${link}.tmp`;
  await rm(tmp, { force: true });
  await symlink(target, tmp);
  await rename(tmp, link);
}

export class LogFollower {
  constructor(
    readonly containerId: string,
    readonly identity: LogIdentity,
    private readonly o: FollowerOptions,
  ) {}

  /** Runs until the container's output is all written (or it is gone), or `signal` fires. */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    const short = this.containerId.slice(0, 12);
    while (!signal.aborted) {
      try {
        const outcome = await this.followOnce(signal);
        if (outcome === "done") return;
        if (outcome === "progress") failures = 0;
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof EverynodeError && e.code === "NotFound") return;
        this.o.logger.warn("cannot write a container's log file; retrying", {
          container: short,
          file: containerLogPath(this.o.root, this.identity),
          error: e,
        });
      }
      failures++;
      try {
        await this.o.clock.sleep(backoffDelay(FOLLOW_BACKOFF, failures, this.o.random), signal);
      } catch {
        return;
      }
    }
  }

  /** One read of the engine's stream into the file: done, or ended early (with or without output). */
  private async followOnce(signal: AbortSignal): Promise<"done" | "progress" | "none"> {
    const target = containerLogPath(this.o.root, this.identity);
    const file = new LogFile(target, { policy: this.o.policy, clock: this.o.clock });
    let wrote = false;
    try {
      const point = await file.open();
      await linkTo(containerLinkPath(this.o.root, this.identity, this.containerId), target);
      const filter = new ResumeFilter(point);
      let held: CriRecord | undefined;
      const write = (records: CriRecord[]): void => {
        const fresh = records.filter((r) => filter.keep(r));
        if (fresh.length > 0) wrote = true;
        file.push(fresh);
      };
      const since = point ? Number(point.time / 1_000_000_000n) : undefined;
      await this.o.runtime.logs(
        this.containerId,
        { follow: true, timestamps: true, ...(since !== undefined ? { since } : {}) },
        (frame, stream) => {
          const records = recordsOfFrame(frame, stream ?? "stdout");
          if (!records) return;
          // A held partial goes on in whatever comes next: write it as partial first.
          if (held) write([held]);
          held = undefined;
          const last = records[records.length - 1]!;
          if (last.partial) held = records.pop();
          write(records);
        },
        signal,
      );
      await file.flushed();
      if (signal.aborted) return "none";
      const now = await this.o.runtime.inspect(this.containerId);
      if (now && now.state !== "exited") return wrote ? "progress" : "none";
      // The output ended without a newline: that last piece is the line's end.
      if (held) write([{ ...held, partial: false }]);
      await file.flushed();
      return "done";
    } finally {
      await file.close();
    }
  }
}
