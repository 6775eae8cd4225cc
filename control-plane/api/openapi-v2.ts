// Content negotiation for the OpenAPI v2 document (control-plane/kube builds it from the kind
// registry). kubectl before 1.29 GETs /openapi/v2 (or /swagger-2.0.0.pb-v1) as protobuf
// (gnostic's openapi.v2.Document); other clients get JSON.

/**
 * The Content-Type of the protobuf document. kubectl asks for `…spec.v2@v1.0+protobuf`, but an
 * `@` in a response's Content-Type makes its HTTP client fail ("mime: unexpected content after
 * media subtype"), so the answer uses the other spelling of the same type, as the apiserver does.
 */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/** True when the Accept header asks for the protobuf document (either spelling of the type). */
export function acceptsOpenApiV2Protobuf(accept: string | undefined): boolean {
  return /com\.github\.proto-openapi\.spec\.v2[@.]v1\.0\+protobuf/.test(accept ?? "");
}
