// Request bodies: read with a size limit, then decoded as JSON or YAML by Content-Type.
// Anything undecodable is a 400 Status; a body over the limit is a 413, never a crash.

import type { Request } from "express";
import { parse as parseYaml } from "yaml";
import { EverynodeError, errors } from "../../shared/errors.js";
import { decodeProtobufBody } from "./protobuf-body.js";

/** The default body limit: 3 MiB, as the Kubernetes API server allows. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

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

/**
 * Decodes a body. An empty body is undefined. JSON for `application/json` and the JSON patch
 * types (and when no type is given); YAML for the YAML types; a few protobuf kinds
 * (protobuf-body.ts); others are 415.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString("utf8");
  if (text.trim() === "") return undefined;
  const type = mediaType(contentType);
  // kubectl 1.32+'s typed clients (create namespace) write protobuf.
  if (type === "application/vnd.kubernetes.protobuf") return decodeProtobufBody(raw);
  if (isYaml(type)) {
    try {
      // One document only: a stream of several is not an object.
      return parseYaml(text, { uniqueKeys: false });
    } catch (e) {
      throw errors.badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
    }
  }
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

/** Reads and decodes the body of a request. */
export async function readBody(req: Request, limit: number): Promise<unknown> {
  const raw = await readRawBody(req, limit);
  return decodeBody(raw, req.headers["content-type"]);
}

/** The body as a JSON object (not an array or a scalar), or a 400. */
export function asObject(body: unknown, what = "the request body"): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw errors.badRequest(`${what} must be a JSON or YAML object`);
  }
  return body as Record<string, unknown>;
}
