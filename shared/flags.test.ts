import { describe, expect, it } from "vitest";
import { parseFlags, type FlagSpec } from "./flags.js";

const SPECS: FlagSpec[] = [
  { name: "stdin", short: "i", type: "boolean", description: "" },
  { name: "tty", short: "t", type: "boolean", description: "" },
  { name: "container", short: "c", type: "string", description: "" },
];

describe("parseFlags", () => {
  it.each<[string[], Record<string, unknown>, string[]]>([
    [["-it", "pod"], { stdin: true, tty: true }, ["pod"]],
    [["-ti", "pod"], { stdin: true, tty: true }, ["pod"]],
    [["-i", "-t", "pod"], { stdin: true, tty: true }, ["pod"]],
    [["-itc", "web", "pod"], { stdin: true, tty: true, container: "web" }, ["pod"]],
    [["-itcweb", "pod"], { stdin: true, tty: true, container: "web" }, ["pod"]],
    [["-i=false", "pod"], { stdin: false }, ["pod"]],
    [["-c", "web", "pod", "--", "sh", "-c", "exit 3"], { container: "web" }, ["pod", "sh", "-c", "exit 3"]],
  ])("reads %j", (args, values, positionals) => {
    const p = parseFlags(args, SPECS);
    expect(p.values).toMatchObject(values);
    expect(p.positionals).toEqual(positionals);
  });

  it("names an unknown letter in a group", () => {
    expect(() => parseFlags(["-ix"], SPECS)).toThrow("unknown shorthand flag: 'x' in -ix");
  });
});
