// Content negotiation: which representation a client asked for in its Accept header.
// kubectl's get asks for a Table first; typed clients ask for protobuf first, which
// everynode does not speak, so they get JSON (allowed by the API conventions).

import { errors } from "../../shared/errors.js";
import { INCLUDE_OBJECT_VALUES, type IncludeObject, type TableVersion } from "../kube/index.js";

/** The Table version requested, or undefined when the client wants plain objects. */
export function tableVersion(accept: string | undefined): TableVersion | undefined {
  if (!accept) return undefined;
  for (const clause of accept.split(",")) {
    const [type, ...rawParams] = clause.split(";").map((s) => s.trim());
    if (type !== "application/json") continue;
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const eq = p.indexOf("=");
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim());
    }
    if (params.get("as") !== "Table" || params.get("g") !== "meta.k8s.io") continue;
    const v = params.get("v");
    if (v === "v1" || v === "v1beta1") return v;
  }
  return undefined;
}

/** A Table request: its version, and what each row carries of its object. */
export interface TableRequest {
  version: TableVersion;
  includeObject: IncludeObject;
}

/**
 * The Table the client asked for, or undefined when it wants plain objects. `includeObject`
 * (kubectl sends `Object` with `--sort-by`) is read only for a Table, as Kubernetes reads
 * TableOptions: absent or empty is Metadata, an unknown value a 400.
 */
export function tableRequest(accept: string | undefined, q: URLSearchParams): TableRequest | undefined {
  const version = tableVersion(accept);
  if (!version) return undefined;
  const raw = q.get("includeObject") ?? "";
  if (raw === "") return { version, includeObject: "Metadata" };
  if (!(INCLUDE_OBJECT_VALUES as readonly string[]).includes(raw))
    throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(raw)}`);
  return { version, includeObject: raw as IncludeObject };
}
