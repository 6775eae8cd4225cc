import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shippedLines, sweepPodLogs } from "./log-shipping.js";

describe("shippedLines", () => {
  it.each([
    [
      "fluent-bit: shipped namespace=shop pod=order-log-x1 container=orders stream=stdout time=2026-12-06T01:02:03.1Z log=order 42 placed on n1",
      [{ namespace: "shop", pod: "order-log-x1", container: "orders", log: "order 42 placed on n1" }],
    ],
    [
      '{"file":"/var/log/pods/shop_order-log-x1_u1/orders/0.log","kubernetes":{"container_name":"orders","pod_name":"order-log-x1","pod_namespace":"shop","pod_uid":"u1"},"message":"a \\"b\\"","source_type":"kubernetes_logs","stream":"stdout","timestamp":"t"}',
      [{ namespace: "shop", pod: "order-log-x1", container: "orders", log: 'a "b"' }],
    ],
    ["fluent-bit: following /var/log/containers/x.log namespace=shop pod=p container=c", []],
    ['{"message":"not a shipped line"}', []],
    ["{not json", []],
  ])("%s", (line, expected) => {
    expect(shippedLines(`${line}\n`)).toEqual(expected);
  });
});

describe("sweepPodLogs", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("removes only the listed pods' folders and the links into them", () => {
    root = mkdtempSync(path.join(os.tmpdir(), "everynode-sweep-"));
    for (const pod of ["shop_a_u1", "shop_b_u2"]) {
      mkdirSync(path.join(root, "pods", pod, "c"), { recursive: true });
      writeFileSync(path.join(root, "pods", pod, "c", "0.log"), "x\n");
    }
    mkdirSync(path.join(root, "containers"));
    symlinkSync(path.join(root, "pods/shop_a_u1/c/0.log"), path.join(root, "containers/a_shop_c-1.log"));
    symlinkSync(path.join(root, "pods/shop_b_u2/c/0.log"), path.join(root, "containers/b_shop_c-2.log"));
    expect(sweepPodLogs(root, ["u1"], true)).toHaveLength(2);
    expect(readdirSync(path.join(root, "pods"))).toEqual(["shop_b_u2"]);
    expect(readdirSync(path.join(root, "containers"))).toEqual(["b_shop_c-2.log"]);
    sweepPodLogs(root, ["u2"], true);
    expect(readdirSync(root)).toEqual([]);
  });
});
