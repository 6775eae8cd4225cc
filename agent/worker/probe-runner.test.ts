import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { AddressInfo } from "node:net";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../shared/clock.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import type { ContainerRuntime, ExecResult } from "../runtime/container-runtime.js";
import type { ProbeSpec } from "./probe-plan.js";
import { PROBE_USER_AGENT, resolvePort, runProbe, type ProbeTarget } from "./probe-runner.js";

const base = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};
let seen: http.IncomingHttpHeaders | undefined;
const handler: http.RequestListener = (req, res) => {
  seen = req.headers;
  if (req.url === "/hang") return; // never answers: the timeout must end the probe
  res.writeHead(req.url === "/ok" ? 200 : req.url === "/moved" ? 302 : 500).end();
};
const plain = http.createServer(handler);
let secure: https.Server;
let closedPort: number;

function selfSigned(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: "commonName", value: "probe-test" }]);
  cert.setIssuer([{ name: "commonName", value: "probe-test" }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

const portOf = (s: net.Server): number => (s.address() as AddressInfo).port;

beforeAll(async () => {
  secure = https.createServer(selfSigned(), handler);
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => secure.listen(0, "127.0.0.1", r));
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  closedPort = portOf(s);
  await new Promise<void>((r) => s.close(() => r()));
});

afterAll(async () => {
  plain.closeAllConnections();
  secure.closeAllConnections();
  await new Promise<void>((r) => plain.close(() => r()));
  await new Promise<void>((r) => secure.close(() => r()));
});

const target = (ports: ProbeTarget["ports"] = []): ProbeTarget => ({
  containerId: "c1",
  podIP: "127.0.0.1",
  ports,
});

function execRuntime(result: ExecResult | "hang"): ContainerRuntime {
  return {
    exec: (_id: string, _cmd: string[], signal: AbortSignal) =>
      result === "hang"
        ? new Promise<ExecResult>((r) =>
            signal.addEventListener("abort", () => r({ exitCode: -1, output: "" })),
          )
        : Promise.resolve(result),
  } as unknown as ContainerRuntime;
}

/** A clock whose sleeps end only when the test says so. */
const deps = { runtime: execRuntime({ exitCode: 0, output: "" }), clock: systemClock };

describe("runProbe: httpGet", () => {
  it.each([
    ["/ok", "HTTP", "success", ""],
    ["/moved", "HTTP", "success", ""],
    ["/fail", "HTTP", "failure", "HTTP probe failed with statuscode: 500"],
    ["/ok", "HTTPS", "success", ""],
  ])("%s over %s → %s", async (p, scheme, outcome, message) => {
    const port = portOf(scheme === "HTTPS" ? secure : plain);
    const spec: ProbeSpec = { ...base, httpGet: { port, path: p, scheme } };
    expect(await runProbe(spec, target(), deps)).toEqual({ outcome, message });
  });

  it("sends the kubelet's User-Agent and the probe's headers, to a named port", async () => {
    const spec: ProbeSpec = {
      ...base,
      httpGet: { port: "web", path: "/ok", httpHeaders: [{ name: "X-Probe", value: "yes" }] },
    };
    const r = await runProbe(spec, target([{ name: "web", containerPort: portOf(plain) }]), deps);
    expect(r.outcome).toBe("success");
    expect(seen?.["user-agent"]).toBe(PROBE_USER_AGENT);
    expect(seen?.["x-probe"]).toBe("yes");
  });

  it("a server that does not answer within the timeout → failure", async () => {
    const clock = new FakeClock(0);
    const spec: ProbeSpec = { ...base, httpGet: { port: portOf(plain), path: "/hang" } };
    const pending = runProbe(spec, target(), { ...deps, clock });
    await new Promise((r) => setTimeout(r, 50));
    await clock.advance(base.timeoutSeconds * 1000);
    expect(await pending).toEqual({
      outcome: "failure",
      message: `Get "http://127.0.0.1:${portOf(plain)}/hang": context deadline exceeded`,
    });
  });

  it("an unknown port name → Unknown (no action)", async () => {
    const spec: ProbeSpec = { ...base, httpGet: { port: "nope", path: "/" } };
    expect((await runProbe(spec, target(), deps)).outcome).toBe("unknown");
  });
});

describe("runProbe: tcpSocket, exec, grpc", () => {
  it("a listening port passes, a closed one fails", async () => {
    expect(await runProbe({ ...base, tcpSocket: { port: portOf(plain) } }, target(), deps)).toEqual({
      outcome: "success",
      message: "",
    });
    const r = await runProbe({ ...base, tcpSocket: { port: closedPort } }, target(), deps);
    expect(r.outcome).toBe("failure");
    expect(r.message).toMatch(new RegExp(`^dial tcp 127.0.0.1:${closedPort}: .*ECONNREFUSED`));
  });

  it.each<[string, ExecResult | "hang", string, string]>([
    ["exit 0", { exitCode: 0, output: "" }, "success", ""],
    ["exit 1 with output", { exitCode: 1, output: "not healthy\n" }, "failure", "not healthy"],
    [
      "exit 2 without output",
      { exitCode: 2, output: "" },
      "failure",
      'command "check now" exited with code 2',
    ],
    ["still running at the timeout", "hang", "failure", 'command "check now" timed out'],
  ])("exec: %s → %s", async (_what, result, outcome, message) => {
    const clock = new FakeClock(0);
    const pending = runProbe({ ...base, exec: { command: ["check", "now"] } }, target(), {
      runtime: execRuntime(result),
      clock,
    });
    await new Promise((r) => setTimeout(r, 10));
    await clock.advance(base.timeoutSeconds * 1000);
    expect(await pending).toEqual({ outcome, message });
  });

  it("grpc → Unknown", async () => {
    expect((await runProbe({ ...base, grpc: { port: 9000 } }, target(), deps)).outcome).toBe("unknown");
  });

  it.each([
    [80, 80],
    ["8080", 8080],
    ["http", 8000],
    ["other", undefined],
  ])("resolvePort(%j) → %j", (port, want) => {
    expect(resolvePort(port, [{ name: "http", containerPort: 8000 }])).toBe(want);
  });
});
