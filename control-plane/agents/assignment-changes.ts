// Which nodes' assignment sets a pod change touches. Status-only changes touch none: the
// agent reported that status itself, and pushing it back would only make traffic.

import { isDeepStrictEqual } from "node:util";
import type { KubeObject, Pod } from "../../shared/api-types.js";
import type { ChangeEvent } from "../store/store.js";

/** Metadata without the fields every write changes. */
function stableMetadata(object: KubeObject): Record<string, unknown> {
  const { resourceVersion: _rv, managedFields: _mf, ...rest } = object.metadata;
  return rest;
}

/** The nodes whose complete pod set changed with this pod event (0, 1 or 2 when a pod moved). */
export function nodesAffectedBy(event: Pick<ChangeEvent, "type" | "object" | "previous">): string[] {
  const pod = event.object as Pod;
  const before = event.previous as Pod | undefined;
  const nodes = new Set<string>();
  const now = pod.spec?.nodeName;
  const was = before?.spec?.nodeName;
  if (event.type === "MODIFIED" && before) {
    const unchanged =
      isDeepStrictEqual(pod.spec, before.spec) &&
      isDeepStrictEqual(stableMetadata(pod), stableMetadata(before));
    if (unchanged) return [];
  }
  if (now) nodes.add(now);
  if (was) nodes.add(was);
  return [...nodes];
}
