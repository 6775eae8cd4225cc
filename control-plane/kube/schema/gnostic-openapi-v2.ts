// gnostic's `openapi.v2` protobuf messages (the OpenAPI v2 document kubectl reads as
// protobuf), as a protobufjs JSON descriptor: the messages and fields of a swagger 2.0
// document that everynode writes. Names and field numbers follow gnostic's OpenAPIv2.proto
// (github.com/google/gnostic, openapiv2/); fields everynode never writes are left out, and
// protobufjs skips them when it decodes.

import type { INamespace } from "protobufjs";

type Fields = Record<string, { id: number; type: string; rule?: "repeated" }>;

const string = (id: number) => ({ id, type: "string" });
const strings = (id: number) => ({ id, type: "string", rule: "repeated" as const });
const bool = (id: number) => ({ id, type: "bool" });
const message = (id: number, type: string) => ({ id, type });
const messages = (id: number, type: string) => ({ id, type, rule: "repeated" as const });

const type = (fields: Fields, oneofs?: Record<string, string[]>) => ({
  fields,
  ...(oneofs
    ? { oneofs: Object.fromEntries(Object.entries(oneofs).map(([k, v]) => [k, { oneof: v }])) }
    : {}),
});

const NAMED = (valueType: string) => type({ name: string(1), value: message(2, valueType) });

export const GNOSTIC_OPENAPI_V2: INamespace = {
  nested: {
    openapi: {
      nested: {
        v2: {
          nested: {
            Document: type({
              swagger: string(1),
              info: message(2, "Info"),
              host: string(3),
              basePath: string(4),
              schemes: strings(5),
              consumes: strings(6),
              produces: strings(7),
              paths: message(8, "Paths"),
              definitions: message(9, "Definitions"),
              vendorExtension: messages(16, "NamedAny"),
            }),
            Info: type({ title: string(1), version: string(2), description: string(3) }),
            Paths: type({ vendorExtension: messages(1, "NamedAny"), path: messages(2, "NamedPathItem") }),
            NamedPathItem: NAMED("PathItem"),
            PathItem: type({
              _ref: string(1),
              get: message(2, "Operation"),
              put: message(3, "Operation"),
              post: message(4, "Operation"),
              delete: message(5, "Operation"),
              options: message(6, "Operation"),
              head: message(7, "Operation"),
              patch: message(8, "Operation"),
              parameters: messages(9, "ParametersItem"),
              vendorExtension: messages(10, "NamedAny"),
            }),
            Operation: type({
              tags: strings(1),
              summary: string(2),
              description: string(3),
              operationId: string(5),
              produces: strings(6),
              consumes: strings(7),
              parameters: messages(8, "ParametersItem"),
              responses: message(9, "Responses"),
              schemes: strings(10),
              deprecated: bool(11),
              vendorExtension: messages(13, "NamedAny"),
            }),
            ParametersItem: type(
              { parameter: message(1, "Parameter"), jsonReference: message(2, "JsonReference") },
              { oneof: ["parameter", "jsonReference"] },
            ),
            JsonReference: type({ _ref: string(1), description: string(2) }),
            Parameter: type(
              {
                bodyParameter: message(1, "BodyParameter"),
                nonBodyParameter: message(2, "NonBodyParameter"),
              },
              { oneof: ["bodyParameter", "nonBodyParameter"] },
            ),
            BodyParameter: type({
              description: string(1),
              name: string(2),
              in: string(3),
              required: bool(4),
              schema: message(5, "Schema"),
              vendorExtension: messages(6, "NamedAny"),
            }),
            NonBodyParameter: type(
              {
                queryParameterSubSchema: message(3, "QueryParameterSubSchema"),
                pathParameterSubSchema: message(4, "PathParameterSubSchema"),
              },
              { oneof: ["queryParameterSubSchema", "pathParameterSubSchema"] },
            ),
            QueryParameterSubSchema: type({
              required: bool(1),
              in: string(2),
              description: string(3),
              name: string(4),
              allowEmptyValue: bool(5),
              type: string(6),
              format: string(7),
              uniqueItems: bool(20),
              vendorExtension: messages(23, "NamedAny"),
            }),
            PathParameterSubSchema: type({
              required: bool(1),
              in: string(2),
              description: string(3),
              name: string(4),
              type: string(5),
              format: string(6),
              uniqueItems: bool(19),
              vendorExtension: messages(22, "NamedAny"),
            }),
            Responses: type({
              responseCode: messages(1, "NamedResponseValue"),
              vendorExtension: messages(2, "NamedAny"),
            }),
            NamedResponseValue: NAMED("ResponseValue"),
            ResponseValue: type(
              { response: message(1, "Response"), jsonReference: message(2, "JsonReference") },
              { oneof: ["response", "jsonReference"] },
            ),
            Response: type({
              description: string(1),
              schema: message(2, "SchemaItem"),
              vendorExtension: messages(5, "NamedAny"),
            }),
            SchemaItem: type({ schema: message(1, "Schema") }, { oneof: ["schema"] }),
            Schema: type({
              _ref: string(1),
              format: string(2),
              title: string(3),
              description: string(4),
              default: message(5, "Any"),
              required: strings(19),
              enum: messages(20, "Any"),
              additionalProperties: message(21, "AdditionalPropertiesItem"),
              type: message(22, "TypeItem"),
              items: message(23, "ItemsItem"),
              allOf: messages(24, "Schema"),
              properties: message(25, "Properties"),
              readOnly: bool(27),
              example: message(30, "Any"),
              vendorExtension: messages(31, "NamedAny"),
            }),
            AdditionalPropertiesItem: type(
              { schema: message(1, "Schema"), boolean: bool(2) },
              { oneof: ["schema", "boolean"] },
            ),
            TypeItem: type({ value: strings(1) }),
            ItemsItem: type({ schema: messages(1, "Schema") }),
            Properties: type({ additionalProperties: messages(1, "NamedSchema") }),
            Definitions: type({ additionalProperties: messages(1, "NamedSchema") }),
            NamedSchema: NAMED("Schema"),
            NamedAny: NAMED("Any"),
            // Any.value (1) is a google.protobuf.Any, which gnostic leaves empty for JSON values.
            Any: type({ yaml: string(2) }),
          },
        },
      },
    },
  },
};
