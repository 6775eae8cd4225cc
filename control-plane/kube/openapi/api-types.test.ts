// shared/api-types.ts (with object-meta.ts and scheduling-types.ts) is the hand-written TypeScript view of the fields everynode's code
// reads and writes. This test keeps it honest against the registry's definitions (the
// vendored ones with everynode's own and the kinds' overlays): every property of the mapped
// interfaces (and of their inline object types) must exist at the same place in the schema
// everynode serves, and a property typed with another mapped interface must point at that
// interface's definition. A field everynode adds passes only once its kind's overlay has it.

import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DAEMONSET_ROLLOUT_OVERLAY } from "../kinds/daemonset-rollout.js";
import { REGISTRY } from "../kinds/index.js";
import { deref } from "../schema/overlay.js";
import { type Definition, type Definitions, KUBERNETES_DEFINITIONS, META_V1 } from "./definitions.js";

const CORE = "io.k8s.api.core.v1";
const APPS = "io.k8s.api.apps.v1";
const EVERYNODE_APPS = "io.everynode.apps.v1";

/** Interface → the definition it is a view of. */
const VIEWS: Record<string, string> = {
  OwnerReference: `${META_V1}.OwnerReference`,
  ObjectMeta: `${META_V1}.ObjectMeta`,
  ListMeta: `${META_V1}.ListMeta`,
  LabelSelectorRequirement: `${META_V1}.LabelSelectorRequirement`,
  LabelSelector: `${META_V1}.LabelSelector`,
  Status: `${META_V1}.Status`,
  StatusCause: `${META_V1}.StatusCause`,
  Taint: `${CORE}.Taint`,
  Toleration: `${CORE}.Toleration`,
  NodeSelectorRequirement: `${CORE}.NodeSelectorRequirement`,
  NodeSelectorTerm: `${CORE}.NodeSelectorTerm`,
  NodeSelector: `${CORE}.NodeSelector`,
  Affinity: `${CORE}.Affinity`,
  EnvVar: `${CORE}.EnvVar`,
  ConfigMapKeySelector: `${CORE}.ConfigMapKeySelector`,
  EnvFromSource: `${CORE}.EnvFromSource`,
  ContainerPort: `${CORE}.ContainerPort`,
  VolumeMount: `${CORE}.VolumeMount`,
  Volume: `${CORE}.Volume`,
  ResourceRequirements: `${CORE}.ResourceRequirements`,
  Container: `${CORE}.Container`,
  PodSpec: `${CORE}.PodSpec`,
  PodTemplateSpec: `${CORE}.PodTemplateSpec`,
  PodCondition: `${CORE}.PodCondition`,
  ContainerState: `${CORE}.ContainerState`,
  ContainerStatus: `${CORE}.ContainerStatus`,
  PodStatus: `${CORE}.PodStatus`,
  Pod: `${CORE}.Pod`,
  NodeCondition: `${CORE}.NodeCondition`,
  NodeAddress: `${CORE}.NodeAddress`,
  NodeSystemInfo: `${CORE}.NodeSystemInfo`,
  ContainerImage: `${CORE}.ContainerImage`,
  NodeSpec: `${CORE}.NodeSpec`,
  NodeStatus: `${CORE}.NodeStatus`,
  Node: `${CORE}.Node`,
  Namespace: `${CORE}.Namespace`,
  ObjectReference: `${CORE}.ObjectReference`,
  KubeEvent: `${CORE}.Event`,
  RollingUpdateDaemonSet: `${APPS}.RollingUpdateDaemonSet`,
  DaemonSetAutoPause: `${EVERYNODE_APPS}.DaemonSetAutoPause`,
  DaemonSetUpdateStrategy: `${APPS}.DaemonSetUpdateStrategy`,
  DaemonSetSpec: `${APPS}.DaemonSetSpec`,
  DaemonSetStatus: `${APPS}.DaemonSetStatus`,
  DaemonSetCondition: `${APPS}.DaemonSetCondition`,
  DaemonSetRolloutStatus: `${EVERYNODE_APPS}.DaemonSetRolloutStatus`,
  DaemonSetRolloutStop: `${EVERYNODE_APPS}.DaemonSetRolloutStop`,
  DaemonSet: `${APPS}.DaemonSet`,
  ControllerRevision: `${APPS}.ControllerRevision`,
};

// api-types.ts and the two files it re-exports.
const interfaces = new Map<string, ts.InterfaceDeclaration>();
for (const file of ["api-types.ts", "object-meta.ts", "scheduling-types.ts"]) {
  const source = ts.createSourceFile(
    file,
    readFileSync(new URL(`../../../shared/${file}`, import.meta.url), "utf8"),
    ts.ScriptTarget.Latest,
  );
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
}

/** The members of an interface with those of the interfaces it extends. */
function membersOf(decl: ts.InterfaceDeclaration): ts.TypeElement[] {
  const inherited = (decl.heritageClauses ?? []).flatMap((h) =>
    h.types.flatMap((t) => {
      const base = ts.isIdentifier(t.expression) ? interfaces.get(t.expression.text) : undefined;
      return base ? membersOf(base) : [];
    }),
  );
  return [...inherited, ...decl.members];
}

/** The object-ish part of a type: an interface name, an inline literal, or none. */
function shapeOf(type: ts.TypeNode | undefined): {
  list: boolean;
  ref?: string;
  literal?: ts.TypeLiteralNode;
} {
  if (!type) return { list: false };
  if (ts.isArrayTypeNode(type)) return { ...shapeOf(type.elementType), list: true };
  if (ts.isUnionTypeNode(type)) {
    for (const t of type.types) {
      const s = shapeOf(t);
      if (s.ref || s.literal) return s;
    }
    return { list: false };
  }
  if (ts.isTypeLiteralNode(type)) return { list: false, literal: type };
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && interfaces.has(type.typeName.text))
    return { list: false, ref: type.typeName.text };
  return { list: false };
}

/** Where the members disagree with the definition, as `Interface.path: problem` lines. */
function drift(
  members: readonly ts.TypeElement[],
  def: Definition,
  path: string,
  defs: Definitions = REGISTRY.definitions,
): string[] {
  const problems: string[] = [];
  const props = deref(defs, def).def.properties ?? {};
  for (const m of members) {
    if (!ts.isPropertySignature(m) || !m.name || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)))
      continue;
    const name = m.name.text;
    const at = `${path}.${name}`;
    if (!Object.hasOwn(props, name)) {
      problems.push(`${at}: not a field of the schema`);
      continue;
    }
    let upstream = props[name] as Definition;
    const shape = shapeOf(m.type);
    if (shape.list) {
      const resolved = deref(defs, upstream).def;
      if (resolved.type !== "array" || !resolved.items) {
        problems.push(`${at}: a list here, not in the schema`);
        continue;
      }
      upstream = resolved.items;
    }
    if (shape.ref) {
      const expected = VIEWS[shape.ref];
      const actual = deref(defs, upstream).name;
      if (expected !== undefined && actual !== expected)
        problems.push(`${at}: ${shape.ref} here, ${actual} in the schema`);
    } else if (shape.literal) {
      problems.push(...drift(shape.literal.members, upstream, at, defs));
    }
  }
  return problems;
}

describe("shared/api-types.ts against the registry's definitions", () => {
  it("has every interface the test maps, and the test maps every object interface", () => {
    for (const name of Object.keys(VIEWS)) expect(interfaces.has(name), name).toBe(true);
    const unmapped = [...interfaces.keys()].filter((n) => !Object.hasOwn(VIEWS, n));
    // Generic shapes, no one kind's: any object, list, the type fields, a watch event.
    expect(unmapped.sort()).toEqual(["KubeList", "KubeObject", "TypeMeta", "WatchEvent"]);
  });

  it.each(Object.entries(VIEWS))("%s is a view of %s", (name, definition) => {
    const decl = interfaces.get(name) as ts.InterfaceDeclaration;
    const def = REGISTRY.definitions[definition] as Definition;
    expect(drift(membersOf(decl), def, name)).toEqual([]);
  });

  it.each([
    [
      "interface X { nodeName?: string; nodeNmae?: string }",
      `${CORE}.PodSpec`,
      ["X.nodeNmae: not a field of the schema"],
    ],
    [
      "interface X { containers: { nmae: string }[] }",
      `${CORE}.PodSpec`,
      ["X.containers.nmae: not a field of the schema"],
    ],
    [
      "interface X { containers: Toleration[] }",
      `${CORE}.PodSpec`,
      [`X.containers: Toleration here, ${CORE}.Container in the schema`],
    ],
    ["interface X { nodeName: string[] }", `${CORE}.PodSpec`, ["X.nodeName: a list here, not in the schema"]],
    [
      "interface X { lastState: { runing?: {} } }",
      `${CORE}.ContainerStatus`,
      ["X.lastState.runing: not a field of the schema"],
    ],
    // everynode's fields: known through the DaemonSet overlay, a typo still is not.
    [
      "interface X { paused?: boolean; pausd?: boolean; autoPause?: DaemonSetRolloutStop }",
      `${APPS}.RollingUpdateDaemonSet`,
      [
        "X.pausd: not a field of the schema",
        `X.autoPause: DaemonSetRolloutStop here, ${EVERYNODE_APPS}.DaemonSetAutoPause in the schema`,
      ],
    ],
    [
      "interface X { rollout?: { updateHash: string; stop?: { hsah: string } } }",
      `${APPS}.DaemonSetStatus`,
      ["X.rollout.stop.hsah: not a field of the schema"],
    ],
  ])("notices %s against %s", (text, definition, problems) => {
    const fake = ts.createSourceFile("x.ts", text, ts.ScriptTarget.Latest);
    const decl = fake.statements[0] as ts.InterfaceDeclaration;
    expect(drift(decl.members, REGISTRY.definitions[definition] as Definition, "X")).toEqual(problems);
  });

  it("reads everynode's fields from the overlay, not from the vendored definitions", () => {
    const decl = interfaces.get("RollingUpdateDaemonSet") as ts.InterfaceDeclaration;
    const upstream = KUBERNETES_DEFINITIONS[`${APPS}.RollingUpdateDaemonSet`] as Definition;
    const added = Object.keys(
      DAEMONSET_ROLLOUT_OVERLAY["spec.updateStrategy.rollingUpdate"]?.properties ?? {},
    );
    expect(added).toHaveLength(7);
    expect(drift(membersOf(decl), upstream, "RollingUpdateDaemonSet", KUBERNETES_DEFINITIONS)).toEqual(
      added.map((f) => `RollingUpdateDaemonSet.${f}: not a field of the schema`),
    );
  });
});
