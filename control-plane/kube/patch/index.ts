// The patch algorithms of the API: JSON patch, JSON merge patch, strategic merge patch and
// (simplified) server-side apply. Pure functions over parsed JSON.

export { type PatchType, patchTypeFromContentType } from "./patch-type.js";
export { applyJsonMergePatch } from "./json-merge-patch.js";
export { applyJsonPatch } from "./json-patch.js";
export { applyStrategicMergePatch } from "./strategic-merge-patch.js";
export { applyServerSideApply } from "./server-side-apply.js";
export {
  checkPatchedObject,
  DEFAULT_PATCH_BOUNDS,
  MAX_JSON_PATCH_OPERATIONS,
  patchBounds,
  type PatchBounds,
} from "./bounds.js";
