// The one catalogue of everynode's errors. Every error that crosses a module, HTTP or CLI
// boundary is an EverynodeError with a stable code; the code is mapped once to an HTTP
// status and a Kubernetes `reason` (HTTP_BY_CODE) and once to a CLI exit code
// (EXIT_BY_CODE).

import type { Status, StatusCause } from "./api-types.js";

export type ErrorCode =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "Gone"
  | "Expired"
  | "TooManyRequests"
  | "ServiceUnavailable"
  | "Timeout"
  | "InternalError"
  // Errors that never come from the API, only from a local part.
  | "Unreachable"
  | "TlsPinMismatch"
  | "BadToken"
  | "ProtocolError"
  | "RuntimeError"
  | "Usage";

/** HTTP status and Kubernetes `reason` for each code. */
export const HTTP_BY_CODE: Record<ErrorCode, { status: number; reason: string }> = {
  NotFound: { status: 404, reason: "NotFound" },
  AlreadyExists: { status: 409, reason: "AlreadyExists" },
  Conflict: { status: 409, reason: "Conflict" },
  Invalid: { status: 422, reason: "Invalid" },
  BadRequest: { status: 400, reason: "BadRequest" },
  Unauthorized: { status: 401, reason: "Unauthorized" },
  Forbidden: { status: 403, reason: "Forbidden" },
  MethodNotAllowed: { status: 405, reason: "MethodNotAllowed" },
  NotAcceptable: { status: 406, reason: "NotAcceptable" },
  UnsupportedMediaType: { status: 415, reason: "UnsupportedMediaType" },
  RequestEntityTooLarge: { status: 413, reason: "RequestEntityTooLarge" },
  Gone: { status: 410, reason: "Gone" },
  Expired: { status: 410, reason: "Expired" },
  TooManyRequests: { status: 429, reason: "TooManyRequests" },
  ServiceUnavailable: { status: 503, reason: "ServiceUnavailable" },
  Timeout: { status: 504, reason: "Timeout" },
  InternalError: { status: 500, reason: "InternalError" },
  Unreachable: { status: 503, reason: "ServiceUnavailable" },
  TlsPinMismatch: { status: 400, reason: "BadRequest" },
  BadToken: { status: 401, reason: "Unauthorized" },
  ProtocolError: { status: 400, reason: "BadRequest" },
  RuntimeError: { status: 500, reason: "InternalError" },
  Usage: { status: 400, reason: "BadRequest" },
};

/** CLI exit codes: 1 for any error from the server, others for what the user can act on. */
export const EXIT_BY_CODE: Record<ErrorCode, number> = {
  NotFound: 1,
  AlreadyExists: 1,
  Conflict: 1,
  Invalid: 1,
  BadRequest: 1,
  Unauthorized: 3,
  Forbidden: 3,
  MethodNotAllowed: 1,
  NotAcceptable: 1,
  UnsupportedMediaType: 1,
  RequestEntityTooLarge: 1,
  Gone: 1,
  Expired: 1,
  TooManyRequests: 1,
  ServiceUnavailable: 4,
  Timeout: 5,
  InternalError: 1,
  Unreachable: 4,
  TlsPinMismatch: 3,
  BadToken: 3,
  ProtocolError: 1,
  RuntimeError: 1,
  Usage: 2,
};

/** Field cause types, as Kubernetes names them in `details.causes[].reason`. */
export type CauseType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTypeInvalid"
  | "FieldValueUnknown"
  | "InternalError";

/** A Status's details; `kind` is the resource (plural) or kind, as Kubernetes fills it. */
export type ErrorDetails = NonNullable<Status["details"]>;

export class EverynodeError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;
  /** For runtime errors: worth retrying later (socket refused, 5xx), or not (bad image). */
  readonly temporary: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetails; temporary?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EverynodeError";
    this.code = code;
    this.details = options.details;
    this.temporary = options.temporary ?? false;
  }

  get httpStatus(): number {
    return HTTP_BY_CODE[this.code].status;
  }

  get exitCode(): number {
    return EXIT_BY_CODE[this.code];
  }

  toStatus(): Status {
    const status: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: HTTP_BY_CODE[this.code].reason,
      code: this.httpStatus,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** One wrong field: collected by validation, reported together in one 422. */
export interface FieldError {
  type: CauseType;
  field: string;
  /** The cause's message body, e.g. `Required value` or `Invalid value: "x": must be ...`. */
  message: string;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "null";
  return JSON.stringify(value);
}

/** Builders for field errors, worded as Kubernetes words them. */
export const fieldError = {
  required: (field: string, detail?: string): FieldError => ({
    type: "FieldValueRequired",
    field,
    message: detail ? `Required value: ${detail}` : "Required value",
  }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: "FieldValueInvalid",
    field,
    message: `Invalid value: ${describeValue(value)}: ${detail}`,
  }),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError => ({
    type: "FieldValueNotSupported",
    field,
    message: `Unsupported value: ${describeValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(", ")}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: "FieldValueDuplicate",
    field,
    message: `Duplicate value: ${describeValue(value)}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({
    type: "FieldValueForbidden",
    field,
    message: `Forbidden: ${detail}`,
  }),
  tooLong: (field: string, max: number): FieldError => ({
    type: "FieldValueTooLong",
    field,
    message: `Too long: may not be longer than ${max}`,
  }),
  unknown: (field: string): FieldError => ({
    type: "FieldValueUnknown",
    field,
    message: `unknown field "${field}"`,
  }),
};

/** Constructors for the errors the API returns, with Kubernetes' messages. */
export const errors = {
  notFound: (resource: string, name: string, group = ""): EverynodeError =>
    new EverynodeError("NotFound", `${group ? `${resource}.${group}` : resource} "${name}" not found`, {
      details: { name, group, kind: resource },
    }),
  alreadyExists: (resource: string, name: string, group = ""): EverynodeError =>
    new EverynodeError(
      "AlreadyExists",
      `${group ? `${resource}.${group}` : resource} "${name}" already exists`,
      {
        details: { name, group, kind: resource },
      },
    ),
  conflict: (resource: string, name: string, group = ""): EverynodeError =>
    new EverynodeError(
      "Conflict",
      `Operation cannot be fulfilled on ${group ? `${resource}.${group}` : resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { details: { name, group, kind: resource } },
    ),
  /** A 422: `Kind.group "name" is invalid: field: message, ...`, one cause per field. */
  invalid: (kind: string, group: string, name: string, fieldErrors: FieldError[]): EverynodeError => {
    const parts = fieldErrors.map((e) => `${e.field}: ${e.message}`);
    const joined = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
    return new EverynodeError(
      "Invalid",
      `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${joined}`,
      {
        details: {
          name,
          group,
          kind,
          causes: fieldErrors.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
        },
      },
    );
  },
  badRequest: (message: string, causes?: StatusCause[]): EverynodeError =>
    new EverynodeError("BadRequest", message, causes ? { details: { causes } } : {}),
  unauthorized: (message = "Unauthorized"): EverynodeError => new EverynodeError("Unauthorized", message),
  forbidden: (message: string): EverynodeError => new EverynodeError("Forbidden", message),
  expired: (message = "too old resource version"): EverynodeError => new EverynodeError("Expired", message),
  internal: (message: string, cause?: unknown): EverynodeError =>
    new EverynodeError("InternalError", `Internal error occurred: ${message}`, { cause }),
};

export function isEverynodeError(e: unknown): e is EverynodeError {
  return e instanceof EverynodeError;
}

/** Turns a `Status` body from the API back into the catalogue's error (used by the CLI). */
export function errorFromStatus(status: Partial<Status>, httpStatus: number): EverynodeError {
  const byReason = (Object.keys(HTTP_BY_CODE) as ErrorCode[]).find(
    (c) => HTTP_BY_CODE[c].reason === status.reason && HTTP_BY_CODE[c].status === httpStatus,
  );
  const byStatus = (Object.keys(HTTP_BY_CODE) as ErrorCode[]).find(
    (c) => HTTP_BY_CODE[c].status === httpStatus,
  );
  const code: ErrorCode = byReason ?? byStatus ?? "InternalError";
  return new EverynodeError(code, status.message ?? `the server answered ${httpStatus}`, {
    details: status.details ?? {},
  });
}
