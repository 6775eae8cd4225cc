// A small command-line parser shared by every subcommand: --flag value, --flag=value,
// repeatable flags, booleans and -x short forms, with unknown flags reported as usage errors.

import { EverynodeError } from "./errors.js";

export interface FlagSpec {
  /** Long name without dashes, e.g. "data-dir". */
  name: string;
  short?: string;
  type: "string" | "boolean" | "list";
  default?: string | boolean;
  description: string;
}

export interface ParsedFlags {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseFlags(args: string[], specs: FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const values: ParsedFlags["values"] = {};
  for (const s of specs) values[s.name] = s.type === "list" ? [] : s.default;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let arg = args[i] as string;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec && name.startsWith("no-") && byName.get(name.slice(3))?.type === "boolean") {
        values[name.slice(3)] = false;
        continue;
      }
      if (!spec) throw new EverynodeError("Usage", `unknown flag: --${name}`);
    } else if (arg.startsWith("-") && arg.length > 1 && !/^-\d/.test(arg)) {
      const short = arg.slice(1, 2);
      spec = byShort.get(short);
      if (!spec) throw new EverynodeError("Usage", `unknown shorthand flag: '${short}' in ${arg}`);
      // Booleans combine as kubectl's do (-it); a flag with a value ends the group (-itc web).
      while (spec.type === "boolean" && arg.length > 2 && arg[2] !== "=") {
        values[spec.name] = true;
        arg = `-${arg.slice(2)}`;
        const next = byShort.get(arg.slice(1, 2));
        if (!next)
          throw new EverynodeError("Usage", `unknown shorthand flag: '${arg.slice(1, 2)}' in ${args[i]}`);
        spec = next;
      }
      if (arg.length > 2) inline = arg.slice(2).replace(/^=/, "");
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.type === "boolean") {
      values[spec.name] = inline === undefined ? true : !["false", "0", "no"].includes(inline);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) throw new EverynodeError("Usage", `flag needs an argument: --${spec.name}`);
      value = args[++i] as string;
    }
    if (spec.type === "list") (values[spec.name] as string[]).push(value);
    else values[spec.name] = value;
  }
  return { values, positionals };
}

export function flagHelp(specs: FlagSpec[]): string {
  return specs
    .map((s) => {
      const left = `${s.short ? `-${s.short}, ` : "    "}--${s.name}${s.type === "boolean" ? "" : " VALUE"}`;
      const def = s.default !== undefined && s.default !== false ? ` (default ${String(s.default)})` : "";
      return `  ${left.padEnd(30)} ${s.description}${s.type === "list" ? " (repeatable)" : ""}${def}`;
    })
    .join("\n");
}
