// What the API server does to a Secret before validating it: `stringData` is write-only,
// merged into `data` (base64 encoded, its keys winning) and dropped; `type` defaults to Opaque.

import type { Secret } from "../../shared/config-types.js";
import { SECRET_TYPES } from "../../shared/config-types.js";

export function applySecretDefaults(secret: Secret): Secret {
  const out: Secret = { ...secret };
  const stringData = out.stringData;
  if (typeof stringData === "object" && stringData !== null && !Array.isArray(stringData)) {
    const data: Record<string, string> = {
      ...(typeof out.data === "object" && out.data !== null ? out.data : {}),
    };
    for (const [key, value] of Object.entries(stringData)) {
      // A value that is not a string is left for validation to report under data.
      data[key] =
        typeof value === "string" ? Buffer.from(value, "utf8").toString("base64") : (value as string);
    }
    out.data = data;
    delete out.stringData;
  }
  if (out.type === undefined || out.type === null || (out.type as unknown) === "")
    out.type = SECRET_TYPES.opaque;
  return out;
}
