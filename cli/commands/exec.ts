// `everynode exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]`, as
// kubectl's: the command's output on ours, its exit code as ours (after `command terminated
// with exit code N`), stdin with -i, a raw terminal with -t whose size follows the window.

import type { Command, CommandEnv } from "../command.js";
import { bool, str } from "../command.js";
import { usage } from "../error-format.js";
import { runExec, type ExecEnd, type ExecIo } from "../exec-stream.js";
import type { ProcessStreams } from "../io.js";
import { containerOf, podFor } from "../pod-target.js";
import { EverynodeError } from "../../shared/errors.js";

/** Writes bytes, resolving once the stream took them (a slow terminal slows the command). */
function writer(out: NodeJS.WritableStream): (data: Buffer) => void | Promise<void> {
  return (data) => {
    if (out.write(data)) return;
    return new Promise((r) => out.once("drain", () => r()));
  };
}

/** The exit code and the line kubectl prints for how the command ended. */
export function reportEnd(env: CommandEnv, end: ExecEnd): number {
  if ("error" in end) throw new EverynodeError("InternalError", end.error);
  if (end.exitCode !== 0) env.io.err(`command terminated with exit code ${end.exitCode}\n`);
  return end.exitCode;
}

function processStreams(env: CommandEnv): ProcessStreams {
  const s = env.io.streams;
  if (!s) throw new EverynodeError("InternalError", "exec needs the process's own streams");
  return s;
}

export const execCommand: Command = {
  name: "exec",
  summary: "Execute a command in a container",
  usage: "everynode exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]",
  flags: [
    {
      name: "container",
      short: "c",
      type: "string",
      description: "the container (default: the pod's first)",
    },
    { name: "stdin", short: "i", type: "boolean", description: "pass stdin to the container" },
    { name: "tty", short: "t", type: "boolean", description: "stdin is a TTY" },
    { name: "quiet", short: "q", type: "boolean", description: "only print output from the remote session" },
  ],
  async run(env, p) {
    const [target, ...command] = p.positionals;
    if (!target || command.length === 0)
      throw usage("you must specify at least one command for the container: everynode exec POD -- COMMAND");
    const streams = processStreams(env);
    const pod = await podFor(env, target, "exec into");
    const container = containerOf(env, pod, str(p, "container"));
    const stdin = bool(p, "stdin");
    let tty = bool(p, "tty");
    if (tty && !stdin) {
      if (!bool(p, "quiet")) env.io.err("Unable to use a TTY - input is not connected\n");
      tty = false;
    }
    if (tty && !streams.stdin.isTTY) {
      if (!bool(p, "quiet"))
        env.io.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
      tty = false;
    }
    const io: ExecIo = { stdout: writer(streams.stdout), stderr: writer(streams.stderr) };
    if (stdin) io.input = streams.stdin as AsyncIterable<Buffer>;
    if (tty) {
      io.size = () =>
        streams.stdout.columns && streams.stdout.rows
          ? { width: streams.stdout.columns, height: streams.stdout.rows }
          : undefined;
      io.onResize = (listener) => {
        streams.stdout.on("resize", listener);
        return () => streams.stdout.off("resize", listener);
      };
      streams.stdin.setRawMode?.(true);
    }
    try {
      const end = await runExec(
        env.client(),
        {
          namespace: pod.metadata.namespace ?? env.namespace(),
          pod: pod.metadata.name ?? "",
          container,
          command,
          tty,
        },
        io,
      );
      return reportEnd(env, end);
    } finally {
      if (tty) streams.stdin.setRawMode?.(false);
      // A terminal's stdin never ends by itself: let the process go once the command did.
      if (stdin) streams.stdin.destroy?.();
    }
  },
};
