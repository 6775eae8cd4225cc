// Request bodies: read with a size limit, then decoded as JSON or YAML by Content-Type.
// Anything undecodable is a 400 Status; a body over the limit is a 413, never a crash.
// Every decoded body is plain JSON data nested at most MAX_JSON_DEPTH deep before anything
// walks it (json-bounds.ts); YAML's other types (binary, timestamps, sets) are refused.

import type { Request } from "express";
import { isAlias, isScalar, parseDocument, visit, type Document } from "yaml";
import { EverynodeError, errors } from "../../shared/errors.js";
import { DEFAULT_MAX_BODY_BYTES, isJsonProblem, MAX_JSON_DEPTH, measureJson } from "../kube/index.js";
import { decodeProtobufBody } from "./protobuf-body.js";

export { DEFAULT_MAX_BODY_BYTES };

/**
 * How many times a YAML body may expand an alias (the `yaml` package's count, which weighs
 * each alias by the size of what it repeats): enough for anchors in a hand-written
 * manifest, far too few for a "billion laughs" document.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

// The YAML tags of JSON's own types ("!" is the non-specific tag: a plain string).
const JSON_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`).concat("!"),
);

function tooLarge(limit: number): EverynodeError {
  return new EverynodeError("RequestEntityTooLarge", `Request entity too large: limit is ${limit}`);
}

/** Reads the raw body, failing with 413 as soon as it exceeds `limit`. */
export function readRawBody(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    // Drain what the client sends so that the connection can carry the 413 back.
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!failed) reject(errors.badRequest(`cannot read the request body: ${e.message}`));
    });
  });
}

/** The media type of a Content-Type header, lower case and without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function isYaml(type: string): boolean {
  return (
    type === "application/yaml" ||
    type === "application/x-yaml" ||
    type === "text/yaml" ||
    type.endsWith("+yaml")
  );
}

const yamlError = (message: string): EverynodeError =>
  errors.badRequest(`the body of the request was in an unknown format: ${message}`);

/** Refuses YAML that does not stand for JSON: other tags, and keys that are not scalars. */
function checkYamlIsJson(doc: Document): void {
  visit(doc, {
    Node(_, node) {
      if (node.tag !== undefined && !JSON_TAGS.has(node.tag))
        throw yamlError(`the YAML tag ${node.tag} is not supported: only JSON data is accepted`);
    },
    Pair(_, pair) {
      const key = pair.key;
      if (isAlias(key) || !isScalar(key) || key.value === null || typeof key.value === "object")
        throw yamlError("a YAML map key must be a string");
    },
  });
}

function decodeYaml(text: string): unknown {
  try {
    // One document only: a stream of several is not an object.
    const doc = parseDocument(text, { uniqueKeys: false, logLevel: "silent" });
    const first = doc.errors[0];
    if (first) throw yamlError(first.message);
    checkYamlIsJson(doc);
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) as unknown;
  } catch (e) {
    if (e instanceof EverynodeError) throw e;
    throw yamlError((e as Error).message);
  }
}

/** Refuses a decoded body that is not plain JSON, nests too deep, or grew over the limit. */
export function checkDecodedBody(body: unknown, maxBytes: number): void {
  const m = measureJson(body, { maxBytes, maxDepth: MAX_JSON_DEPTH });
  if (!isJsonProblem(m)) return;
  const at = (path: string): string => (path ? ` at ${path}` : "");
  switch (m.problem) {
    case "type":
      throw errors.badRequest(
        `the body of the request holds ${m.found}${at(m.path)}: only JSON data (objects, lists, strings, finite numbers, booleans, null) is accepted`,
      );
    case "depth":
      throw errors.badRequest(
        `the body of the request nests deeper than ${MAX_JSON_DEPTH} levels${at(m.path)}`,
      );
    case "size":
      throw tooLarge(maxBytes);
  }
}

function decodeText(raw: Buffer, type: string): unknown {
  const text = raw.toString("utf8");
  if (text.trim() === "") return undefined;
  // kubectl 1.32+'s typed clients (create namespace) write protobuf.
  if (type === "application/vnd.kubernetes.protobuf") return decodeProtobufBody(raw);
  if (isYaml(type)) return decodeYaml(text);
  if (type === "" || type === "application/json" || type.endsWith("+json") || type === "*/*") {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw errors.badRequest(
        `the body of the request could not be decoded as JSON: ${(e as Error).message}`,
      );
    }
  }
  throw new EverynodeError(
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  );
}

/**
 * Decodes a body. An empty body is undefined. JSON for `application/json` and the JSON patch
 * types (and when no type is given); YAML for the YAML types; a few protobuf kinds
 * (protobuf-body.ts); others are 415. The result is checked by checkDecodedBody: YAML
 * aliases may make it larger than the text, but never larger than `maxBytes`.
 */
export function decodeBody(
  raw: Buffer,
  contentType: string | undefined,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): unknown {
  const body = decodeText(raw, mediaType(contentType));
  if (body !== undefined) checkDecodedBody(body, maxBytes);
  return body;
}

/** Reads and decodes the body of a request. */
export async function readBody(req: Request, limit: number): Promise<unknown> {
  const raw = await readRawBody(req, limit);
  return decodeBody(raw, req.headers["content-type"], limit);
}

/** The body as a JSON object (not an array or a scalar), or a 400. */
export function asObject(body: unknown, what = "the request body"): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw errors.badRequest(`${what} must be a JSON or YAML object`);
  }
  return body as Record<string, unknown>;
}
