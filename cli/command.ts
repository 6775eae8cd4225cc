// The shape every verb has, and the flags every verb accepts (kubectl's global flags).

import type { ApiClient } from "./api-client.js";
import type { Io } from "./io.js";
import type { FlagSpec, ParsedFlags } from "../shared/flags.js";

/** What a verb runs with: the terminal and a lazily built client for the kubeconfig's cluster. */
export interface CommandEnv {
  io: Io;
  client(): ApiClient;
  /** The namespace from -n or the kubeconfig context (default `default`). */
  namespace(): string;
}

/** One verb. */
export interface Command {
  name: string;
  aliases?: string[];
  summary: string;
  usage: string;
  flags: FlagSpec[];
  run(env: CommandEnv, parsed: ParsedFlags): Promise<number>;
}

/** Flags every verb takes. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: "kubeconfig", type: "string", description: "path to the kubeconfig file" },
  { name: "context", type: "string", description: "the kubeconfig context to use" },
  { name: "namespace", short: "n", type: "string", description: "the namespace for this request" },
  { name: "server", short: "s", type: "string", description: "the address of the API server" },
  { name: "token", type: "string", description: "bearer token for the API server" },
  {
    name: "insecure-skip-tls-verify",
    type: "boolean",
    description: "do not verify the server's certificate",
  },
  { name: "help", short: "h", type: "boolean", description: "help for this command" },
];

/** Reads a string flag. */
export function str(p: ParsedFlags, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === "string" ? v : undefined;
}

/** Reads a boolean flag. */
export function bool(p: ParsedFlags, name: string): boolean {
  return p.values[name] === true;
}

/** Reads a list flag. */
export function list(p: ParsedFlags, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : [];
}
