import { describe, it, expect } from "vitest";
import { executeJsonPath } from "./jsonpath.js";
import { printCustomColumns, parseCustomColumns } from "./custom-columns.js";

const list = {
  kind: "List",
  items: [
    {
      metadata: { name: "nginx-a", labels: { app: "nginx", "k8s.io/x": "y" } },
      spec: {
        nodeName: "worker-1",
        containers: [
          { name: "nginx", image: "nginx:1" },
          { name: "side", image: "busybox" },
        ],
      },
      status: { phase: "Running", podIP: "10.0.0.1" },
    },
    {
      metadata: { name: "nginx-b", labels: { app: "nginx" } },
      spec: { nodeName: "worker-2", containers: [{ name: "nginx", image: "nginx:1" }] },
      status: { phase: "Pending" },
    },
  ],
};

describe("jsonpath", () => {
  it.each([
    ["{.items[0].metadata.name}", "nginx-a"],
    ["{.items[*].metadata.name}", "nginx-a nginx-b"],
    ["{.items[-1].spec.nodeName}", "worker-2"],
    ["{.items[0:1].metadata.name}", "nginx-a"],
    [
      '{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}',
      "nginx-a\tworker-1\nnginx-b\tworker-2\n",
    ],
    ['{.items[?(@.status.phase=="Running")].metadata.name}', "nginx-a"],
    ["{.items[?(@.status.podIP)].metadata.name}", "nginx-a"],
    ["{.items[0].metadata.labels['k8s.io/x']}", "y"],
    ["{..image}", "nginx:1 busybox nginx:1"],
    ["{.items[0].spec.containers[*].name}", "nginx side"],
    ["names: {.items[*].metadata.name}!", "names: nginx-a nginx-b!"],
    ["{.items[0].metadata.labels}", '{"app":"nginx","k8s.io/x":"y"}'],
    ["{.missing.key}", ""],
    ["{.kind}", "List"],
    ["'{.kind}'", "List"],
  ])("%s", (template, expected) => expect(executeJsonPath(template, list)).toBe(expected));

  it("rejects an unclosed range", () => {
    expect(() => executeJsonPath("{range .items[*]}{.x}", list)).toThrow(/unclosed range/);
  });
});

describe("custom-columns", () => {
  it("prints aligned columns with <none> for what is missing and commas for several values", () => {
    expect(
      printCustomColumns(list.items, "NAME:.metadata.name,IP:.status.podIP,IMAGES:.spec.containers[*].image"),
    ).toBe(
      [
        "NAME      IP         IMAGES",
        "nginx-a   10.0.0.1   nginx:1,busybox",
        "nginx-b   <none>     nginx:1",
        "",
      ].join("\n"),
    );
  });

  it("accepts paths in braces and rejects a spec without a path", () => {
    expect(parseCustomColumns("N:{.metadata.name}")).toEqual([{ header: "N", path: ".metadata.name" }]);
    expect(() => parseCustomColumns("NAME")).toThrow(/expected <header>:<json-path-expr>/);
  });
});

describe("yaml and json output", () => {
  it("sorts keys, does not indent sequences and quotes timestamps like kubectl", async () => {
    const { toYaml, toJson, asPrintable } = await import("./object-printer.js");
    const obj = {
      metadata: { name: "a", creationTimestamp: "2026-12-01T12:17:57Z", managedFields: [{}] },
      kind: "Pod",
      apiVersion: "v1",
      spec: { containers: [{ name: "c" }] },
    };
    expect(toYaml(asPrintable([obj], true))).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: "2026-12-01T12:17:57Z"\n  name: a\nspec:\n  containers:\n  - name: c\n',
    );
    expect(toJson(asPrintable([obj, obj], false))).toMatch(/^\{\n {4}"apiVersion": "v1",\n {4}"items": \[/);
    expect(asPrintable([obj, obj], false)).toMatchObject({ kind: "List", metadata: { resourceVersion: "" } });
  });
});
