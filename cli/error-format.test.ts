import { describe, it, expect } from "vitest";
import { EverynodeError, errors } from "../shared/errors.js";
import { errorFromResponse } from "./api-client.js";
import { exitCodeOf, formatError, withSource } from "./error-format.js";

const fromServer = (e: EverynodeError): EverynodeError =>
  errorFromResponse(e.httpStatus, JSON.stringify(e.toStatus()), "GET", "/x");

describe("error messages and exit codes", () => {
  it.each([
    [
      fromServer(errors.notFound("daemonsets", "x", "apps")),
      'Error from server (NotFound): daemonsets.apps "x" not found\n',
      1,
    ],
    [
      fromServer(errors.alreadyExists("daemonsets", "x", "apps")),
      'Error from server (AlreadyExists): daemonsets.apps "x" already exists\n',
      1,
    ],
    [
      fromServer(
        errors.invalid("DaemonSet", "apps", "x", [
          { type: "FieldValueRequired", field: "spec.selector", message: "Required value" },
        ]),
      ),
      'The DaemonSet "x" is invalid: spec.selector: Required value\n',
      1,
    ],
    [
      fromServer(
        errors.invalid("DaemonSet", "apps", "x", [
          { type: "FieldValueRequired", field: "spec.selector", message: "Required value" },
          { type: "FieldValueRequired", field: "spec.template.spec.containers", message: "Required value" },
        ]),
      ),
      'The DaemonSet "x" is invalid: \n* spec.selector: Required value\n* spec.template.spec.containers: Required value\n',
      1,
    ],
    [fromServer(errors.unauthorized()), "error: You must be logged in to the server (Unauthorized)\n", 3],
    [
      new EverynodeError(
        "Unreachable",
        "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?",
      ),
      "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n",
      4,
    ],
    [new EverynodeError("Usage", "unknown flag: --x"), "error: unknown flag: --x\n", 2],
  ])("%s", (err, text, code) => {
    expect(formatError(err)).toBe(text);
    expect(exitCodeOf(err)).toBe(code);
  });

  it("names the file a server error came from", () => {
    const e = withSource(fromServer(errors.notFound("daemonsets", "nginx", "apps")), "deleting", "ds.yaml");
    expect(formatError(e)).toBe(
      'Error from server (NotFound): error when deleting "ds.yaml": daemonsets.apps "nginx" not found\n',
    );
  });

  it("maps a plain-text 404 to a generic NotFound", () => {
    expect(formatError(errorFromResponse(404, "404 page not found", "GET", "/apis/x"))).toBe(
      "Error from server (NotFound): the server could not find the requested resource (get /apis/x)\n",
    );
  });
});
