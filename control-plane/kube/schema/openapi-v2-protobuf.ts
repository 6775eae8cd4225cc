// The OpenAPI v2 document as kubectl reads it: gnostic's openapi.v2.Document protobuf
// message, encoded by protobufjs from the descriptor in gnostic-openapi-v2.ts. Vendor
// extensions (`x-…`) are NamedAny entries whose Any holds the value as YAML, as gnostic
// writes them.

import protobuf from "protobufjs/light.js";
import { stringify } from "yaml";
import type { Definition } from "../openapi/definitions.js";
import { GNOSTIC_OPENAPI_V2 } from "./gnostic-openapi-v2.js";
import { openApiV2Document, type V2Document, type V2Operation, type V2Parameter } from "./openapi-v2.js";
import { perRegistry, type Registry } from "./registry.js";

type Message = Record<string, unknown>;

const root = protobuf.Root.fromJSON(GNOSTIC_OPENAPI_V2);

/** The gnostic message type `openapi.v2.<name>`. */
export function gnosticType(name: string): protobuf.Type {
  return root.lookupType(`openapi.v2.${name}`);
}

const any = (value: unknown): Message => ({ yaml: stringify(value) });

function extensions(from: object): Message[] {
  return Object.entries(from)
    .filter(([name]) => name.startsWith("x-"))
    .map(([name, value]) => ({ name, value: any(value) }));
}

/** Only the fields that are set: proto3 leaves out empty strings and false. */
function compact(m: Message): Message {
  return Object.fromEntries(
    Object.entries(m).filter(
      ([, v]) => v !== undefined && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

function schema(s: Definition): Message {
  const additional = s.additionalProperties;
  return compact({
    _ref: s.$ref,
    format: s.format,
    description: s.description,
    default: s.default === undefined ? undefined : any(s.default),
    required: s.required,
    enum: s.enum?.map(any),
    additionalProperties:
      additional === undefined
        ? undefined
        : typeof additional === "boolean"
          ? { boolean: additional }
          : { schema: schema(additional) },
    type: s.type ? { value: [s.type] } : undefined,
    items: s.items ? { schema: [schema(s.items)] } : undefined,
    properties: s.properties
      ? {
          additionalProperties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schema(v) })),
        }
      : undefined,
    vendorExtension: extensions(s),
  });
}

function parameter(p: V2Parameter): Message {
  if (p.in === "body") {
    const body = compact({
      description: p.description,
      name: p.name,
      in: p.in,
      required: p.required,
      schema: schema(p.schema ?? {}),
    });
    return { parameter: { bodyParameter: body } };
  }
  const sub = compact({
    required: p.required,
    in: p.in,
    description: p.description,
    name: p.name,
    type: p.type,
    uniqueItems: p.uniqueItems,
  });
  const nonBody = p.in === "query" ? { queryParameterSubSchema: sub } : { pathParameterSubSchema: sub };
  return { parameter: { nonBodyParameter: nonBody } };
}

function operation(op: V2Operation): Message {
  const responses = Object.entries(op.responses ?? {}).map(([name, r]) => ({
    name,
    value: {
      response: compact({ description: r.description, schema: r.schema && { schema: schema(r.schema) } }),
    },
  }));
  return compact({
    description: op.description,
    operationId: op.operationId,
    produces: op.produces,
    consumes: op.consumes,
    parameters: (op.parameters ?? []).map(parameter),
    responses: { responseCode: responses },
    vendorExtension: extensions(op),
  });
}

/** The document as gnostic's openapi.v2.Document message (protobufjs's plain-object form). */
export function gnosticDocument(doc: V2Document): Message {
  return {
    swagger: doc.swagger,
    info: compact({ title: doc.info.title, version: doc.info.version }),
    paths: {
      path: Object.entries(doc.paths).map(([name, item]) => ({
        name,
        value: compact({
          patch: item.patch && operation(item.patch),
          parameters: (item.parameters ?? []).map(parameter),
        }),
      })),
    },
    definitions: {
      additionalProperties: Object.entries(doc.definitions).map(([name, s]) => ({ name, value: schema(s) })),
    },
  };
}

/** The protobuf bytes of a document. */
export function encodeOpenApiV2(doc: V2Document): Buffer {
  const type = gnosticType("Document");
  return Buffer.from(type.encode(type.fromObject(gnosticDocument(doc))).finish());
}

/** The registry's document as protobuf, encoded once. */
export const openApiV2Protobuf = perRegistry((r: Registry): Buffer => encodeOpenApiV2(openApiV2Document(r)));
