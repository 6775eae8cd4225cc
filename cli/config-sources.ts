// The data of `create configmap` and `create secret generic|docker-registry`, from
// --from-literal, --from-file and --from-env-file as kubectl reads them. Pure: files and
// the environment come in through `ConfigSourceIo`, so the table tests need no disk.

import { EverynodeError } from "../shared/errors.js";

export interface ConfigSourceIo {
  /** A file's bytes; a directory's regular files by name (kubectl takes each one). */
  read(path: string): { file: Buffer } | { dir: Record<string, Buffer> };
  env(name: string): string | undefined;
}

export interface ConfigSources {
  literals: string[];
  files: string[];
  envFiles: string[];
}

/** The keys and raw bytes, in the order given; a key given twice is an error, as in kubectl. */
export type ConfigEntries = Map<string, Buffer>;

const KEY_RE = /^[-._a-zA-Z0-9]+$/;
const ENV_RE = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function usage(message: string): EverynodeError {
  return new EverynodeError("Usage", message);
}

function add(entries: ConfigEntries, key: string, value: Buffer): void {
  if (!KEY_RE.test(key) || key === "." || key === ".." || key.startsWith(".."))
    throw usage(
      `"${key}" is not a valid key name: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    );
  if (entries.has(key)) throw usage(`cannot add key "${key}", another key by that name already exists`);
  entries.set(key, value);
}

function baseName(p: string): string {
  return p.replace(/\/+$/, "").split("/").pop() ?? p;
}

/** Reads every source into one map of keys to bytes. */
export function readConfigSources(sources: ConfigSources, io: ConfigSourceIo): ConfigEntries {
  if (sources.envFiles.length > 0 && (sources.literals.length > 0 || sources.files.length > 0))
    throw usage("from-env-file cannot be combined with from-file or from-literal");
  const entries: ConfigEntries = new Map();
  for (const literal of sources.literals) {
    const eq = literal.indexOf("=");
    if (eq <= 0) throw usage(`invalid literal source ${literal}, expected key=value`);
    add(entries, literal.slice(0, eq), Buffer.from(literal.slice(eq + 1), "utf8"));
  }
  for (const source of sources.files) {
    const eq = source.indexOf("=");
    const key = eq === -1 ? undefined : source.slice(0, eq);
    const path = eq === -1 ? source : source.slice(eq + 1);
    if (key === "" || path === "") throw usage(`key names or file paths cannot be empty: ${source}`);
    const read = io.read(path);
    if ("dir" in read) {
      if (key !== undefined) throw usage("cannot give a key name for a directory path");
      for (const [name, bytes] of Object.entries(read.dir)) add(entries, name, bytes);
    } else {
      add(entries, key ?? baseName(path), read.file);
    }
  }
  for (const envFile of sources.envFiles) {
    const read = io.read(envFile);
    if ("dir" in read) throw usage(`env file ${envFile} is a directory`);
    const lines = read.file.toString("utf8").split(/\r?\n/);
    lines.forEach((raw, i) => {
      const line = raw.replace(/^\s+/, "");
      if (line === "" || line.startsWith("#")) return;
      const eq = line.indexOf("=");
      const key = eq === -1 ? line : line.slice(0, eq);
      if (!ENV_RE.test(key))
        throw usage(
          `"${key}" is not a valid key name (line ${i + 1} of ${envFile}): a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit`,
        );
      const value = eq === -1 ? (io.env(key) ?? "") : line.slice(eq + 1);
      add(entries, key, Buffer.from(value, "utf8"));
    });
  }
  return entries;
}

/** Whether bytes are valid UTF-8 (ConfigMaps keep those in data, others in binaryData). */
function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);
}

export function configMapOf(
  name: string,
  namespace: string,
  entries: ConfigEntries,
): Record<string, unknown> {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (isUtf8(v)) data[k] = v.toString("utf8");
    else binaryData[k] = v.toString("base64");
  }
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace },
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
}

export function secretOf(
  name: string,
  namespace: string,
  entries: ConfigEntries,
  type = "Opaque",
): Record<string, unknown> {
  const data: Record<string, string> = {};
  for (const [k, v] of entries) data[k] = v.toString("base64");
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type, data };
}

export interface DockerRegistryAuth {
  server: string;
  username: string;
  password: string;
  email?: string;
}

/** The `.dockerconfigjson` of `create secret docker-registry`, as Docker's config.json has it. */
export function dockerConfigJson(auth: DockerRegistryAuth): Buffer {
  const entry: Record<string, string> = { username: auth.username, password: auth.password };
  if (auth.email) entry["email"] = auth.email;
  entry["auth"] = Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64");
  return Buffer.from(JSON.stringify({ auths: { [auth.server]: entry } }), "utf8");
}
