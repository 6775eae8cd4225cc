import { describe, expect, it } from "vitest";
import {
  configMapOf,
  dockerConfigJson,
  readConfigSources,
  secretOf,
  type ConfigSourceIo,
} from "./config-sources.js";

const files: Record<string, Buffer | Record<string, Buffer>> = {
  "app.properties": Buffer.from("a=1\n"),
  "dir/": { "x.conf": Buffer.from("x"), "y.conf": Buffer.from("y") },
  bin: Buffer.from([0xff, 0x00]),
  env: Buffer.from("# c\n\n  A=1\nB=x=y\nHOME_DIR\n"),
  badenv: Buffer.from("1A=2\n"),
};
const io: ConfigSourceIo = {
  read: (p) => {
    const f = files[p];
    if (f === undefined) throw new Error(`no ${p}`);
    return Buffer.isBuffer(f) ? { file: f } : { dir: f };
  },
  env: (n) => (n === "HOME_DIR" ? "/home/u" : undefined),
};
const read = (literals: string[], fileArgs: string[] = [], envFiles: string[] = []) =>
  Object.fromEntries(
    [...readConfigSources({ literals, files: fileArgs, envFiles }, io)].map(([k, v]) => [
      k,
      v.toString("utf8"),
    ]),
  );

describe("readConfigSources", () => {
  it.each<[string, () => unknown, unknown]>([
    ["literals keep everything after the first =", () => read(["a=b=c", "e="]), { a: "b=c", e: "" }],
    [
      "a file takes its base name, or the key given",
      () => read([], ["app.properties", "k=bin"]),
      { "app.properties": "a=1\n", k: "\ufffd\u0000" },
    ],
    ["a directory gives one key per file", () => read([], ["dir/"]), { "x.conf": "x", "y.conf": "y" }],
    [
      "env files skip comments and blanks, read bare names from the environment",
      () => read([], [], ["env"]),
      { A: "1", B: "x=y", HOME_DIR: "/home/u" },
    ],
  ])("%s", (_name, run, expected) => {
    expect(run()).toEqual(expected);
  });

  it.each<[string, () => unknown, RegExp]>([
    ["a literal without =", () => read(["abc"]), /expected key=value/],
    ["a key twice", () => read(["a=1", "a=2"]), /already exists/],
    ["a bad key", () => read(["a/b=1"]), /not a valid key name/],
    ["an env file with a literal", () => read(["a=1"], [], ["env"]), /cannot be combined/],
    ["a bad env name", () => read([], [], ["badenv"]), /line 1 of badenv/],
    ["a key for a directory", () => read([], ["k=dir/"]), /directory/],
  ])("refuses %s", (_name, run, message) => {
    expect(run).toThrow(message);
  });
});

describe("the objects", () => {
  it("puts bytes that are not UTF-8 in a ConfigMap's binaryData", () => {
    const entries = new Map([
      ["t", Buffer.from("text")],
      ["b", Buffer.from([0xff])],
    ]);
    expect(configMapOf("c", "ns", entries)).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "ns" },
      data: { t: "text" },
      binaryData: { b: "/w==" },
    });
    expect(secretOf("s", "ns", entries)["data"]).toEqual({ t: "dGV4dA==", b: "/w==" });
  });

  it("writes Docker's config.json for a registry", () => {
    expect(
      JSON.parse(dockerConfigJson({ server: "r:5000", username: "u", password: "p" }).toString()),
    ).toEqual({
      auths: { "r:5000": { username: "u", password: "p", auth: "dTpw" } },
    });
  });
});
