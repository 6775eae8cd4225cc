// Which patch algorithm a PATCH request asks for, from its Content-Type.

/** The four patch flavours the API accepts. */
export type PatchType = "json" | "merge" | "strategic" | "apply";

const BY_MEDIA_TYPE: Record<string, PatchType> = {
  "application/json-patch+json": "json",
  "application/merge-patch+json": "merge",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

/**
 * Maps a Content-Type header to its patch type, ignoring parameters such as `charset`.
 * Undefined means the media type is not a patch type (the caller answers 415).
 */
export function patchTypeFromContentType(contentType: string | undefined): PatchType | undefined {
  if (!contentType) return undefined;
  const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  // An own property only: "constructor" is no patch type.
  return Object.hasOwn(BY_MEDIA_TYPE, mediaType) ? BY_MEDIA_TYPE[mediaType] : undefined;
}
