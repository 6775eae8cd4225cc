// A pod status cut to what the control plane accepts (POD_STATUS_LIMITS): messages carry
// what containers and probes print, which has no size of its own. The kubelet cuts them
// too (a termination message to 4 KiB, probe output to 10 KiB); without this, a status with
// a huge message would be refused again and again. Pure.

import type { PodStatus } from "../../shared/api-types.js";
import { POD_STATUS_LIMITS, truncateUtf8 } from "../../shared/limits.js";

function fit(v: unknown, key: string): unknown {
  if (typeof v === "string") {
    return truncateUtf8(v, key === "message" ? POD_STATUS_LIMITS.message : POD_STATUS_LIMITS.shortString);
  }
  if (Array.isArray(v)) return v.map((item) => fit(item, key));
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, fit(item, k)]));
  }
  return v;
}

/** The status with every `message` cut to the message limit and other strings to the short one. */
export function fitPodStatus(status: PodStatus): PodStatus {
  return fit(status, "") as PodStatus;
}
