// kubectl's ways of naming what to act on: `TYPE NAME...`, `TYPE/NAME...`, `TYPE1,TYPE2`,
// `all`, any spelling of a type (ds, daemonset, daemonsets, daemonsets.apps, DaemonSet).

import type { ResourceInfo } from "../control-plane/kube/index.js";
import { RESOURCES, findResource } from "../control-plane/kube/index.js";
import { usage } from "./error-format.js";
import { EverynodeError } from "../shared/errors.js";

/** One type with the names asked for (none: all of them). */
export interface ResourceRequest {
  info: ResourceInfo;
  names: string[];
}

/** Finds a type or throws kubectl's error. */
export function resolveType(word: string): ResourceInfo {
  const info = findResource(word);
  const group = word.includes(".") ? word.slice(word.indexOf(".") + 1).toLowerCase() : undefined;
  if (!info || (group !== undefined && group !== info.group && !(info.group === "" && group === "core")))
    throw new EverynodeError("NotFound", `the server doesn't have a resource type "${word}"`);
  return info;
}

/** Expands a type word; `all` is every type in the `all` category (pods, daemonsets). */
export function expandTypes(word: string): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const part of word.split(",").filter((p) => p.length > 0)) {
    if (part.toLowerCase() === "all") out.push(RESOURCES.pods, RESOURCES.daemonsets);
    else out.push(resolveType(part));
  }
  return out;
}

/** Parses the positional arguments of get / describe / delete / label. */
export function parseResourceArgs(args: string[]): ResourceRequest[] {
  if (args.length === 0) throw usage("You must specify the type of resource to get.");
  if (args.some((a) => a.includes("/"))) {
    const out: ResourceRequest[] = [];
    for (const a of args) {
      const slash = a.indexOf("/");
      if (slash <= 0 || slash === a.length - 1)
        throw usage(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'everynode get resource/<resource_name>' instead of 'everynode get resource resource/<resource_name>'`,
        );
      const info = resolveType(a.slice(0, slash));
      const name = a.slice(slash + 1);
      const existing = out.find((r) => r.info === info);
      if (existing) existing.names.push(name);
      else out.push({ info, names: [name] });
    }
    return out;
  }
  const [typeWord, ...names] = args as [string, ...string[]];
  const types = expandTypes(typeWord);
  if (types.length > 1 && names.length > 0)
    throw usage("you may only specify a single resource type when passing names (use TYPE/NAME for several)");
  return types.map((info) => ({ info, names }));
}

/** kubectl's name of a type in messages and -o name: `daemonset.apps`, `pod`. */
export function kindPrefix(info: ResourceInfo): string {
  return info.group ? `${info.singular}.${info.group}` : info.singular;
}

/** kubectl's resource name in messages: `daemonsets.apps`, `pods`. */
export function resourceWithGroup(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** The API path of a collection (namespace undefined: across all namespaces) or an item. */
export function resourcePath(info: ResourceInfo, namespace: string | undefined, name?: string): string {
  const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  const ns = info.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${root}${ns}/${info.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}
