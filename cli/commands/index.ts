// Every kubectl-like verb, in the order `everynode help` lists them.

import type { Command } from "../command.js";
import { applyCommand } from "./apply.js";
import { createCommand, replaceCommand } from "./create-replace.js";
import { deleteCommand } from "./delete.js";
import { getCommand } from "./get.js";
import { describeCommand } from "./describe.js";
import { logsCommand } from "./logs.js";
import { execCommand } from "./exec.js";
import { cpCommand } from "./cp.js";
import { portForwardCommand } from "./port-forward.js";
import { rolloutCommand } from "./rollout.js";
import { taintCommand } from "./taint.js";
import { annotateCommand, labelCommand } from "./label.js";
import { cordonCommand, drainCommand, uncordonCommand } from "./cordon.js";
import { clusterInfoCommand, kubeconfigCommand, versionCommand } from "./version.js";
import { tokenCommand } from "./token.js";

export const COMMANDS: Command[] = [
  getCommand,
  describeCommand,
  applyCommand,
  createCommand,
  replaceCommand,
  deleteCommand,
  rolloutCommand,
  logsCommand,
  execCommand,
  portForwardCommand,
  cpCommand,
  labelCommand,
  annotateCommand,
  taintCommand,
  cordonCommand,
  uncordonCommand,
  drainCommand,
  versionCommand,
  clusterInfoCommand,
  kubeconfigCommand,
  tokenCommand,
];

/** Finds a verb by name or alias. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || (c.aliases ?? []).includes(name));
}
