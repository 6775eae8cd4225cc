// The rule of a kind with no behaviour of its own beyond its kind file: its hooks' defaults,
// then its validation (a 422 naming each field), on create and on update.

import type { KubeObject } from "../../../shared/api-types.js";
import { errors } from "../../../shared/errors.js";
import type { KindDescription } from "../../kube/index.js";
import type { ResourceRule } from "./rule.js";

export function ruleFromHooks(kind: KindDescription): ResourceRule {
  const { defaults, validate, warnings } = kind.hooks;
  const prepare = (object: KubeObject, old?: KubeObject): KubeObject => {
    const prepared = defaults ? defaults(object) : object;
    const problems = validate ? validate(prepared, old) : [];
    if (problems.length > 0)
      throw errors.invalid(kind.kind, kind.group, prepared.metadata.name ?? "", problems);
    return prepared;
  };
  return {
    prepareCreate: (object) => prepare(object),
    prepareUpdate: (next, old) => prepare(next, old),
    ...(warnings ? { warnings } : {}),
  };
}
