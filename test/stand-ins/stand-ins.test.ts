// The stand-in images of the upstream DaemonSet manifests, run with plain `docker run` the way
// their manifests run them: they start, report what the pod spec became, refuse what the real
// programs refuse, serve their ports, and the log shipper reads the kubelet's layout.

import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../agent/helpers/docker-cleanup.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const prefix = process.env["EVERYNODE_UPSTREAM_PREFIX"] ?? "everynode-upstream";
const image = (name: string): string => `${prefix}/${name}:test`;
const label = `everynode.test.stand-ins=${process.pid}`;
let dir = "";

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: 16 << 20 });
  return stdout.trim();
}

/** Starts a container (detached, with an init, labelled for clean-up); returns its name. */
async function start(name: string, args: string[]): Promise<string> {
  const container = `standin-${name}-${process.pid}`;
  await docker("run", "-d", "--init", "--label", label, "--name", container, ...args);
  return container;
}

async function logs(container: string): Promise<string> {
  const { stdout, stderr } = await run("docker", ["logs", container], { maxBuffer: 16 << 20 });
  return stdout + stderr;
}

async function exitCode(container: string): Promise<number | null> {
  const state = await docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", container);
  const [status, code] = state.split(" ");
  return status === "exited" ? Number(code) : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function write(file: string, text: string, mode = 0o644): string {
  const full = path.join(dir, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, text);
  chmodSync(full, mode);
  return full;
}

beforeAll(async () => {
  await run(path.join(root, "scripts/build-upstream-images.sh"), [], { timeout: 120_000 });
  dir = mkdtempSync(path.join(tmpdir(), "everynode-standins-"));
  // The kubelet's layout: a pod log and its /var/log/containers symlink (absolute target, as
  // seen inside a container that mounts the host's /var/log at /var/log).
  write(
    "varlog/pods/demo_web-abc12_1111-2222/web/0.log",
    "2026-12-04T15:04:05.123456789Z stdout F hello from web\n" +
      "2026-12-04T15:04:05.2Z stderr P part1-\n2026-12-04T15:04:05.3Z stderr F part2\n",
  );
  mkdirSync(path.join(dir, "varlog/containers"));
  symlinkSync(
    "/var/log/pods/demo_web-abc12_1111-2222/web/0.log",
    path.join(dir, `varlog/containers/web-abc12_demo_web-${"a".repeat(64)}.log`),
  );
  write("sa/token", "not-a-real-token\n");
  write("sa/ca.crt", "not-a-real-ca\n");
  write("sa/namespace", "kube-system");
}, 180_000);

afterAll(async () => {
  const ids = await docker("ps", "-aq", "--filter", `label=${label}`);
  if (ids) await docker("rm", "-f", ...ids.split("\n"));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("stand-in images", () => {
  it("Fluent Bit ships the kubelet's log files with pod and namespace from their names, and serves its health", async () => {
    write(
      "fb/fluent-bit.conf",
      "[SERVICE]\n    HTTP_Server  On\n    HTTP_Port    2020\n\n@INCLUDE input.conf\n",
    );
    write(
      "fb/input.conf",
      "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n    DB /var/log/flb.db\n",
    );
    const c = await start("fluent-bit", [
      "-v",
      `${dir}/varlog:/var/log`,
      "-v",
      `${dir}/fb:/fluent-bit/etc/:ro`,
      image("fluent-bit"),
    ]);
    await eventually(async () => (await logs(c)).includes("log=part1-part2"), 20_000);
    const out = await logs(c);
    expect(out).toContain(
      "fluent-bit: shipped namespace=demo pod=web-abc12 container=web stream=stdout " +
        "time=2026-12-04T15:04:05.123456789Z log=hello from web",
    );
    expect(out).toContain("fluent-bit: mount /fluent-bit/etc ro propagation=private");
    const ip = await docker("inspect", "-f", "{{.NetworkSettings.IPAddress}}", c);
    const res = await fetch(`http://${ip}:2020/api/v1/health`);
    expect(await res.text()).toBe("ok\n");
  });

  it("Promtail refuses the documentation's Loki placeholder, as the real one does", async () => {
    write(
      "pt/promtail.yaml",
      "server:\n  http_listen_port: 9080\nclients:\n- url: https://{YOUR_LOKI_ENDPOINT}/push\n",
    );
    const c = await start("promtail", [
      "-v",
      `${dir}/pt:/etc/promtail:ro`,
      image("promtail"),
      "-config.file=/etc/promtail/promtail.yaml",
    ]);
    await eventually(async () => (await exitCode(c)) !== null);
    expect(await exitCode(c)).toBe(1);
    expect(await logs(c)).toContain("FATAL: error parsing client url https://{YOUR_LOKI_ENDPOINT}/push");
  });

  it("flanneld refuses to start without NET_ADMIN", async () => {
    write("fl/net-conf.json", '{ "Network": "10.244.0.0/16", "Backend": { "Type": "vxlan" } }\n');
    const c = await start("flannel", [
      "-e",
      "POD_NAME=p",
      "-e",
      "POD_NAMESPACE=kube-flannel",
      "-v",
      `${dir}/fl:/etc/kube-flannel:ro`,
      "--entrypoint",
      "/opt/bin/flanneld",
      image("flannel"),
      "--ip-masq",
      "--kube-subnet-mgr",
      "--healthz-port=8081",
    ]);
    await eventually(async () => (await exitCode(c)) !== null);
    expect(await logs(c)).toContain("FATAL: NET_ADMIN capability missing");
  });

  it("kube-proxy refuses a $(VAR) left unexpanded in its command", async () => {
    const c = await start("kube-proxy", [
      "--entrypoint",
      "/usr/local/bin/kube-proxy",
      image("kube-proxy"),
      "--hostname-override=$(NODE_NAME)",
    ]);
    await eventually(async () => (await exitCode(c)) !== null);
    expect(await logs(c)).toContain("FATAL: argument not expanded: --hostname-override=$(NODE_NAME)");
  });

  it("reports the user, capabilities and read-only root filesystem it was given", async () => {
    write("fluentd-log/.keep", "");
    const c = await start("identity", [
      "--user",
      "65534:65534",
      "--read-only",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      "-v",
      `${dir}/fluentd-log:/var/log`,
      image("fluentd-elasticsearch"),
    ]);
    await eventually(async () => (await exitCode(c)) !== null || (await logs(c)).includes("FATAL"));
    const out = await logs(c);
    expect(out).toContain("fluentd: uid=65534 gid=65534");
    expect(out).toContain("fluentd: capabilities effective=0000000000000000");
    expect(out).toContain("fluentd: no_new_privs=1");
    expect(out).toContain("fluentd: rootfs read-only");
    expect(out).toContain("FATAL: log directory (position files) /var/log is not writable by uid 65534");
  });

  it("kube-rbac-proxy serves the real node_exporter's metrics over TLS, as the kube-prometheus pod", async () => {
    const [exporter, proxy] = [await freePort(), await freePort()];
    await start("node-exporter", [
      "--network",
      "host",
      "--user",
      "65534",
      "--read-only",
      "--cap-drop",
      "ALL",
      "-v",
      "/sys:/host/sys:ro",
      "-v",
      "/:/host/root:ro",
      image("node-exporter"),
      `--web.listen-address=127.0.0.1:${exporter}`,
      "--path.sysfs=/host/sys",
      "--path.rootfs=/host/root",
      "--no-collector.wifi",
      "--no-collector.hwmon",
      "--no-collector.btrfs",
    ]);
    const c = await start("kube-rbac-proxy", [
      "--network",
      "host",
      "--user",
      "65532:65532",
      "--read-only",
      "--cap-drop",
      "ALL",
      "-e",
      "KUBERNETES_SERVICE_HOST=127.0.0.1",
      "-e",
      "KUBERNETES_SERVICE_PORT=1",
      "-v",
      `${dir}/sa:/var/run/secrets/kubernetes.io/serviceaccount:ro`,
      image("kube-rbac-proxy"),
      `--secure-listen-address=[127.0.0.1]:${proxy}`,
      `--upstream=http://127.0.0.1:${exporter}/`,
    ]);
    let body = "";
    await eventually(async () => {
      body = await new Promise<string>((resolve) => {
        httpsGet(`https://127.0.0.1:${proxy}/metrics`, { rejectUnauthorized: false }, (res) => {
          let text = "";
          res.on("data", (d: Buffer) => (text += d.toString()));
          res.on("end", () => resolve(text));
        }).on("error", () => resolve(""));
      });
      return body.includes("node_uname_info");
    }, 20_000);
    expect(body).toMatch(/^node_uname_info\{/m);
    expect(await logs(c)).toContain("auth: not enforced by the stand-in");
  });
});
