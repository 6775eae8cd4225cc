// Probes and lifecycle hooks: exactly one handler, valid ports, non-negative timings, and
// successThreshold 1 for liveness and startup probes.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { portNameErrors, portNumberErrors } from "./names.js";
import { invalidEach, isObject, nonNegativeInt, typeInvalid } from "./util.js";

export type ProbeKind = "livenessProbe" | "readinessProbe" | "startupProbe";

const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"];
const HOOK_HANDLERS = ["exec", "httpGet", "tcpSocket", "sleep"];

/** An IntOrString port: a number 1–65535 or an IANA port name. */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === "string") {
    // A quoted number is still a number to Kubernetes' IntOrString.
    if (/^\d+$/.test(port)) return invalidEach(path, Number(port), portNumberErrors(Number(port)));
    return invalidEach(path, port, portNameErrors(port));
  }
  return invalidEach(path, port ?? 0, portNumberErrors(port ?? 0));
}

function validateHandlers(handler: Record<string, unknown>, names: string[], path: string): FieldError[] {
  const present = names.filter((n) => handler[n] !== undefined && handler[n] !== null);
  if (present.length === 0) return [fieldError.required(path, "must specify a handler type")];
  const errs: FieldError[] = present
    .slice(1)
    .map((n) => fieldError.forbidden(`${path}.${n}`, "may not specify more than 1 handler type"));
  const { httpGet, tcpSocket, grpc, exec } = handler;
  if (present.includes("httpGet")) {
    if (!isObject(httpGet)) errs.push(typeInvalid(`${path}.httpGet`, httpGet, "an object"));
    else {
      errs.push(...validatePortNumOrName(httpGet.port, `${path}.httpGet.port`));
      const scheme = httpGet.scheme;
      if (scheme !== undefined && scheme !== "HTTP" && scheme !== "HTTPS") {
        errs.push(fieldError.notSupported(`${path}.httpGet.scheme`, scheme, ["HTTP", "HTTPS"]));
      }
    }
  }
  if (present.includes("tcpSocket")) {
    if (!isObject(tcpSocket)) errs.push(typeInvalid(`${path}.tcpSocket`, tcpSocket, "an object"));
    else errs.push(...validatePortNumOrName(tcpSocket.port, `${path}.tcpSocket.port`));
  }
  if (present.includes("grpc")) {
    if (!isObject(grpc)) errs.push(typeInvalid(`${path}.grpc`, grpc, "an object"));
    else errs.push(...invalidEach(`${path}.grpc.port`, grpc.port, portNumberErrors(grpc.port)));
  }
  if (present.includes("exec") && !isObject(exec)) errs.push(typeInvalid(`${path}.exec`, exec, "an object"));
  return errs;
}

/** One probe of a container; `kind` decides whether successThreshold must be 1. */
export function validateProbe(probe: unknown, kind: ProbeKind, path: string): FieldError[] {
  if (probe === undefined || probe === null) return [];
  if (!isObject(probe)) return [typeInvalid(path, probe, "a probe")];
  const errs = validateHandlers(probe, PROBE_HANDLERS, path);
  for (const f of [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
  ]) {
    errs.push(...nonNegativeInt(probe[f], `${path}.${f}`));
  }
  if (kind !== "readinessProbe" && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(fieldError.invalid(`${path}.successThreshold`, probe.successThreshold, "must be 1"));
  }
  if (kind === "readinessProbe" && probe.terminationGracePeriodSeconds !== undefined) {
    errs.push(
      fieldError.invalid(
        `${path}.terminationGracePeriodSeconds`,
        probe.terminationGracePeriodSeconds,
        "must not be set for readinessProbes",
      ),
    );
  }
  return errs;
}

/** lifecycle.postStart and lifecycle.preStop: one handler each. */
export function validateLifecycle(lifecycle: unknown, path: string): FieldError[] {
  if (lifecycle === undefined || lifecycle === null) return [];
  if (!isObject(lifecycle)) return [typeInvalid(path, lifecycle, "an object")];
  const errs: FieldError[] = [];
  for (const hook of ["postStart", "preStop"]) {
    const h = lifecycle[hook];
    if (h === undefined || h === null) continue;
    if (!isObject(h)) errs.push(typeInvalid(`${path}.${hook}`, h, "a lifecycle handler"));
    else errs.push(...validateHandlers(h, HOOK_HANDLERS, `${path}.${hook}`));
  }
  return errs;
}
