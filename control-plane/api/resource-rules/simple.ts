// The types with no rules of their own: ControllerRevisions, which only the DaemonSet
// controller writes (kubectl reads them for rollout history and undo).

import type { KubeObject } from "../../../shared/api-types.js";
import type { ResourceRule } from "./rule.js";

const REVISIONS_READ_ONLY = "controllerrevisions are written only by the DaemonSet controller";

export const controllerRevisionRule: ResourceRule = {
  refused: { create: REVISIONS_READ_ONLY, update: REVISIONS_READ_ONLY, patch: REVISIONS_READ_ONLY },
  prepareCreate: (object: KubeObject) => object,
  prepareUpdate: (next: KubeObject) => next,
};
