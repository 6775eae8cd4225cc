// One container of a pod spec: name, image, pull policy, ports, env, mounts, resources,
// probes and lifecycle hooks.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { validateEnv } from "./env.js";
import { dns1123LabelErrors, portNameErrors, portNumberErrors } from "./names.js";
import { validateLifecycle, validateProbe, type ProbeKind } from "./probes.js";
import { validateResourceRequirements } from "./resources.js";
import { invalidEach, isObject, listField, stringField, typeInvalid } from "./util.js";
import { validateVolumeMounts } from "./volumes.js";

export const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
export const PORT_PROTOCOLS = ["SCTP", "TCP", "UDP"];
export const TERMINATION_MESSAGE_POLICIES = ["FallbackToLogsOnError", "File"];
const PROBES: ProbeKind[] = ["livenessProbe", "readinessProbe", "startupProbe"];

function validatePorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  listField(ports, path, errs).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(port)) {
      errs.push(typeInvalid(p, port, "a container port"));
      return;
    }
    const name = stringField(port.name, `${p}.name`, errs);
    if (name) {
      const msgs = portNameErrors(name);
      if (msgs.length > 0) errs.push(...invalidEach(`${p}.name`, name, msgs));
      else if (names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
      names.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === null || port.containerPort === 0) {
      errs.push(fieldError.required(`${p}.containerPort`));
    } else {
      errs.push(
        ...invalidEach(`${p}.containerPort`, port.containerPort, portNumberErrors(port.containerPort)),
      );
    }
    if (port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0) {
      errs.push(...invalidEach(`${p}.hostPort`, port.hostPort, portNumberErrors(port.hostPort)));
    }
    const protocol = stringField(port.protocol, `${p}.protocol`, errs);
    if (!protocol) errs.push(fieldError.required(`${p}.protocol`));
    else if (!PORT_PROTOCOLS.includes(protocol))
      errs.push(fieldError.notSupported(`${p}.protocol`, protocol, PORT_PROTOCOLS));
  });
  return errs;
}

export interface ContainerContext {
  volumeNames: Set<string>;
  /** Init containers may not have probes unless they are sidecars (restartPolicy Always). */
  init: boolean;
}

/** Everything about one container except what depends on its siblings (unique names, host ports). */
export function validateContainer(c: unknown, path: string, ctx: ContainerContext): FieldError[] {
  if (!isObject(c)) return [typeInvalid(path, c, "a container")];
  const errs: FieldError[] = [];
  const name = stringField(c.name, `${path}.name`, errs);
  if (!name) errs.push(fieldError.required(`${path}.name`));
  else errs.push(...invalidEach(`${path}.name`, name, dns1123LabelErrors(name)));

  const image = stringField(c.image, `${path}.image`, errs);
  if (!image) errs.push(fieldError.required(`${path}.image`));
  else if (image.trim() !== image) {
    errs.push(fieldError.invalid(`${path}.image`, image, "must not have leading or trailing whitespace"));
  }
  const pull = stringField(c.imagePullPolicy, `${path}.imagePullPolicy`, errs);
  if (pull && !PULL_POLICIES.includes(pull)) {
    errs.push(fieldError.notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  }
  const tmp = stringField(c.terminationMessagePolicy, `${path}.terminationMessagePolicy`, errs);
  if (tmp && !TERMINATION_MESSAGE_POLICIES.includes(tmp)) {
    errs.push(fieldError.notSupported(`${path}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
  }
  for (const f of ["command", "args"]) {
    listField(c[f], `${path}.${f}`, errs).forEach((a, i) => {
      if (typeof a !== "string") errs.push(typeInvalid(`${path}.${f}[${i}]`, a, "a string"));
    });
  }
  errs.push(...validatePorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumeNames, `${path}.volumeMounts`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  const sidecar = c.restartPolicy === "Always";
  if (c.restartPolicy !== undefined && (!ctx.init || !sidecar)) {
    const detail = ctx.init ? undefined : "may not be set for non-init containers";
    if (detail) errs.push(fieldError.forbidden(`${path}.restartPolicy`, detail));
    else errs.push(fieldError.notSupported(`${path}.restartPolicy`, c.restartPolicy, ["Always"]));
  }
  for (const kind of PROBES) {
    if (ctx.init && !sidecar && c[kind] !== undefined) {
      errs.push(
        fieldError.forbidden(
          `${path}.${kind}`,
          "may not be set for init containers without restartPolicy=Always",
        ),
      );
      continue;
    }
    errs.push(...validateProbe(c[kind], kind, `${path}.${kind}`));
  }
  errs.push(...validateLifecycle(c.lifecycle, `${path}.lifecycle`));
  return errs;
}
