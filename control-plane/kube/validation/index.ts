// The validation API the server uses: one function per type, each returning every
// FieldError it finds (empty means valid); the caller throws one `errors.invalid`.

export { validateDaemonSet } from "./daemonset.js";
export { validateEvent, EVENT_TYPES } from "./event.js";
export { validateNode, validateTaints } from "./node.js";
export { validateNamespace } from "./namespace.js";
export { validatePod, validatePodUpdate, POD_UPDATE_MESSAGE } from "./pod.js";
export { validatePodSpec } from "./pod-spec.js";
export {
  meaninglessFieldWarnings,
  unappliedFieldErrors,
  MEANINGLESS_FIELDS,
  UNAPPLIED_FIELDS,
} from "./unapplied-fields.js";
export { validatePodStatus, POD_PHASES } from "./pod-status.js";
export {
  validateNodeStatusFacts,
  validateNodeAddresses,
  validateNodeInfo,
  validateNodeResources,
} from "./node-status.js";
export {
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateLabels,
  validateAnnotations,
  type ObjectMetaOptions,
} from "./metadata.js";
export { validateLabelSelector } from "./label-selector.js";
export { validateTolerations, validateNodeSelector, validateAffinity } from "./scheduling.js";
export {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelValue,
  isQualifiedName,
  labelValueErrors,
  qualifiedNameErrors,
} from "./names.js";
// The toolkit other validators of everynode's own messages (agents' reports) build on.
export { boundedList, boundedString, intField, knownObject, timestampField } from "./bounded.js";
export { canonical, isObject, typeInvalid } from "./util.js";
