// The sizes everynode accepts in what machines report: pod statuses and node facts (from
// agents) and events (from anyone). The control plane refuses what exceeds them; the agent
// cuts its own reports to fit, so a well-behaved agent is never refused.

/** Pod statuses, in agent reports and on the pods' status subresource. */
export const POD_STATUS_LIMITS = {
  /** Names, reasons, phases, images, ids and addresses: bytes. */
  shortString: 1024,
  /** Free-text messages (pod, condition, container state): bytes, as the kubelet's 12 KiB per pod. */
  message: 12 * 1024,
  conditions: 32,
  containerStatuses: 256,
  /** hostIPs and podIPs (one per IP family in Kubernetes). */
  ips: 8,
} as const;

/** What an agent reports about its host in hello. */
export const NODE_REPORT_LIMITS = {
  addresses: 16,
  /** Entries of capacity and of allocatable. */
  resources: 64,
  /** Each nodeInfo string, an address, a resource name or quantity: bytes. */
  string: 512,
} as const;

/** v1 Events: Kubernetes' own limits where it has them. */
export const EVENT_LIMITS = {
  /** The message ("note"): Kubernetes' NoteLengthLimit. */
  message: 1024,
  /** reason, action, reportingComponent and reportingInstance: Kubernetes' 128. */
  short: 128,
  /** involvedObject and source strings. */
  reference: 512,
  /** The whole event as JSON. */
  totalBytes: 16 * 1024,
  /** How far ahead of the server's clock a timestamp may be (clock skew between hosts). */
  maxFutureSkewMs: 10 * 60_000,
} as const;

/** `text` cut to at most `maxBytes` UTF-8 bytes, ending in "..." when it was cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const marker = "...";
  let cut = Buffer.from(text)
    .subarray(0, Math.max(0, maxBytes - marker.length))
    .toString("utf8");
  // A character split at the cut decodes to U+FFFD (3 bytes): drop it so the result fits.
  while (cut.endsWith("\uFFFD") || Buffer.byteLength(cut) + marker.length > maxBytes) cut = cut.slice(0, -1);
  return cut + marker;
}
