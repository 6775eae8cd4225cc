// A container's resources: resource names, quantity syntax, and requests ≤ limits.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { isValidQuantity, parseQuantity, QUANTITY_SYNTAX_MESSAGE } from "../../../shared/quantity.js";
import { qualifiedNameErrors } from "./names.js";
import { invalidEach, objectField } from "./util.js";

const STANDARD_CONTAINER_RESOURCES = ["cpu", "memory", "ephemeral-storage"];

function resourceNameErrors(name: string, path: string): FieldError[] {
  const errs = invalidEach(path, name, qualifiedNameErrors(name));
  if (errs.length > 0) return errs;
  if (!name.includes("/")) {
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith("hugepages-")) {
      return [fieldError.invalid(path, name, "must be a standard resource for containers")];
    }
  } else if (name.startsWith("kubernetes.io/") || name.includes(".kubernetes.io/")) {
    // Names under kubernetes.io are reserved for Kubernetes' own resources.
    return [fieldError.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

function validateResourceList(list: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(list)) {
    const p = `${path}[${name}]`;
    errs.push(...resourceNameErrors(name, p));
    if (!isValidQuantity(q)) errs.push(fieldError.invalid(p, q, QUANTITY_SYNTAX_MESSAGE));
    else if (parseQuantity(q as string | number) < 0)
      errs.push(fieldError.invalid(p, q, "must be greater than or equal to 0"));
  }
  return errs;
}

/** resources.limits and resources.requests: valid names and quantities, each request ≤ its limit. */
export function validateResourceRequirements(resources: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const res = objectField(resources, path, errs);
  if (!res) return errs;
  const limits = objectField(res.limits, `${path}.limits`, errs) ?? {};
  const requests = objectField(res.requests, `${path}.requests`, errs) ?? {};
  errs.push(...validateResourceList(limits, `${path}.limits`));
  errs.push(...validateResourceList(requests, `${path}.requests`));
  for (const [name, req] of Object.entries(requests)) {
    const limit = Object.hasOwn(limits, name) ? limits[name] : undefined;
    if (limit === undefined || !isValidQuantity(limit) || !isValidQuantity(req)) continue;
    if (parseQuantity(req as string | number) > parseQuantity(limit as string | number)) {
      errs.push(
        fieldError.invalid(
          `${path}.requests[${name}]`,
          req,
          `must be less than or equal to ${name} limit of ${String(limit)}`,
        ),
      );
    }
  }
  return errs;
}
