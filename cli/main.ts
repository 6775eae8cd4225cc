// everynode's entry point: `server` and `agent` start those processes; every other word is
// a kubectl-like verb run against the cluster in the kubeconfig.

import type { CommandEnv } from "./command.js";
import { GLOBAL_FLAGS, bool, str } from "./command.js";
import { COMMANDS, findCommand } from "./commands/index.js";
import { ApiClient } from "./api-client.js";
import type { Io } from "./io.js";
import { processIo } from "./io.js";
import { loadConnection } from "./kubeconfig.js";
import type { Connection } from "./kubeconfig.js";
import { exitCodeOf, formatError } from "./error-format.js";
import { EverynodeError } from "../shared/errors.js";
import { flagHelp, parseFlags } from "../shared/flags.js";
import { EVERYNODE_VERSION } from "../shared/version.js";

/** The top-level help text. */
export function usageText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `everynode ${EVERYNODE_VERSION}: one pod of each DaemonSet on every node that should run it.`,
    "",
    "Processes:",
    "  server         Run the control plane (API, controllers, agent endpoints)",
    "  agent          Run the agent that runs this host's pods",
    "",
    "Commands (as kubectl's):",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    "",
    "Global flags:",
    flagHelp(GLOBAL_FLAGS),
    "",
    "Use 'everynode <command> --help' for more about a command.",
    "",
  ].join("\n");
}

/** Runs one command line and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [word, ...rest] = argv;
  // Loaded only for their own subcommand: the server's and the agent's code (Express, SQLite,
  // the Docker client) would add about half a second to the start of every other command.
  if (word === "server") return (await import("../control-plane/main.js")).runServer(rest);
  if (word === "agent") return (await import("../agent/main.js")).runAgent(rest);
  if (word === undefined || word === "help" || word === "--help" || word === "-h") {
    const topic = word === "help" && rest[0] ? findCommand(rest[0]) : undefined;
    io.out(
      topic
        ? `${topic.summary}\n\nUsage:\n  ${topic.usage}\n\nFlags:\n${flagHelp(topic.flags)}\n`
        : usageText(),
    );
    return word === undefined ? 2 : 0;
  }
  if (word === "--version") {
    io.out(`everynode ${EVERYNODE_VERSION}\n`);
    return 0;
  }
  const command = findCommand(word);
  if (!command) {
    io.err(`error: unknown command "${word}" for "everynode"\nRun 'everynode --help' for usage.\n`);
    return 2;
  }
  let client: ApiClient | undefined;
  let connection: Connection | undefined;
  try {
    const parsed = parseFlags(rest, [
      ...command.flags,
      ...GLOBAL_FLAGS.filter((g) => !command.flags.some((f) => f.name === g.name)),
    ]);
    if (bool(parsed, "help")) {
      io.out(
        `${command.summary}\n\nUsage:\n  ${command.usage}\n\nFlags:\n${flagHelp(command.flags)}\n\nGlobal flags:\n${flagHelp(GLOBAL_FLAGS)}\n`,
      );
      return 0;
    }
    const conn = (): Connection => {
      if (!connection) {
        const overrides = {
          context: str(parsed, "context"),
          namespace: str(parsed, "namespace"),
          server: str(parsed, "server"),
          token: str(parsed, "token"),
          insecure: parsed.values["insecure-skip-tls-verify"] === true ? true : undefined,
        };
        connection = loadConnection(str(parsed, "kubeconfig"), overrides);
      }
      return connection;
    };
    const env: CommandEnv = {
      io,
      client: () => (client ??= new ApiClient(conn())),
      namespace: () => str(parsed, "namespace") ?? conn().namespace,
    };
    return await command.run(env, parsed);
  } catch (e) {
    io.err(formatError(e));
    if (e instanceof EverynodeError && e.code === "Usage")
      io.err(`See 'everynode ${command.name} --help' for usage.\n`);
    return exitCodeOf(e);
  } finally {
    client?.close();
  }
}
