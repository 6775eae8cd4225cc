import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Pod } from "../../shared/api-types.js";
import { silentLogger } from "../../shared/logger.js";
import type { PodTokenRequest, PodTokenResponse } from "../../shared/protocol.js";
import { FakeClock } from "../../test/helpers/fake-clock.js";
import { PodTokens, renewAt, TOKEN_VOLUME, type PodTokensOptions } from "./pod-tokens.js";

const pod = (uid: string): Pod => ({
  metadata: { namespace: "monitoring", name: `p-${uid}`, uid },
  spec: { containers: [{ name: "c", image: "i" }] },
});

let dataDir: string;
let clock: FakeClock;
let calls: PodTokenRequest[];
let answer: () => Promise<PodTokenResponse>;
let tokens: PodTokens;

/** PodTokens over the test's data dir and clock; `fetch` records each request. */
const makeTokens = (
  extra: Partial<PodTokensOptions> = {},
  reply: (r: PodTokenRequest) => Promise<PodTokenResponse> = () => answer(),
): PodTokens =>
  new PodTokens({
    dataDir,
    clock,
    logger: silentLogger,
    caPem: () => "CA PEM",
    fetch: (r) => {
      calls.push(r);
      return reply(r);
    },
    ...extra,
  });

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "pod-tokens-"));
  clock = new FakeClock();
  calls = [];
  let n = 0;
  answer = async () => ({
    automount: true,
    token: `token-${++n}`,
    expirationTimestamp: new Date(clock.now() + 3607_000).toISOString(),
  });
  tokens = makeTokens();
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const file = (uid: string, name: string) =>
  fs.readFile(path.join(dataDir, "pods", uid, "volumes", TOKEN_VOLUME, name), "utf8");

describe("renewAt", () => {
  it.each([
    [0, 3607_000, 2885_600],
    [1000, 1000 + 600_000, 1000 + 480_000],
    [5000, 4000, 5000],
  ])("issued at %i, expiring at %i: renewed at %i", (now, expires, at) => {
    expect(renewAt(now, expires)).toBe(at);
  });
});

describe("PodTokens", () => {
  it("writes token, ca.crt and namespace in the atomic layout, fetched once for the pod", async () => {
    const dir = await tokens.ensure(pod("u1"));
    expect(dir).toBe(path.join(dataDir, "pods", "u1", "volumes", TOKEN_VOLUME));
    expect(await file("u1", "token")).toBe("token-1");
    expect(await file("u1", "ca.crt")).toBe("CA PEM");
    expect(await file("u1", "namespace")).toBe("monitoring");
    expect(await fs.readlink(path.join(dir!, "token"))).toBe("..data/token");
    expect(await tokens.ensure(pod("u1"))).toBe(dir);
    expect(calls).toEqual([{ namespace: "monitoring", name: "p-u1", uid: "u1" }]);
  });

  // chown to another group needs root (the agent runs as root on its nodes).
  it.skipIf(process.getuid?.() !== 0)(
    "under an fsGroup, the files are the group's and the token 0640, as the kubelet's kube-api-access",
    async () => {
      const p = pod("u9");
      p.spec.securityContext = { fsGroup: 2000 };
      const dir = (await tokens.ensure(p))!;
      const modes = await Promise.all(
        ["token", "ca.crt", "namespace"].map(async (n) => {
          const st = await fs.stat(path.join(dir, n));
          return [n, st.gid, (st.mode & 0o7777).toString(8)];
        }),
      );
      expect(modes).toEqual([
        ["token", 2000, "640"],
        ["ca.crt", 2000, "644"],
        ["namespace", 2000, "644"],
      ]);
    },
  );

  it("renews at 80% of the token's life, on the clock, not before", async () => {
    const stop = tokens.start(() => [pod("u1")]);
    await tokens.ensure(pod("u1"));
    await clock.advance(2880_000);
    expect(calls).toHaveLength(1);
    await clock.advance(10_000);
    expect(calls).toHaveLength(2);
    // The write itself is real file work, not a timer of ours.
    await vi.waitFor(async () => expect(await file("u1", "token")).toBe("token-2"));
    stop();
  });

  it("mounts nothing when the pod opts out", async () => {
    answer = async () => ({ automount: false });
    expect(await tokens.ensure(pod("u2"))).toBeUndefined();
    expect(await fs.stat(path.join(dataDir, "pods", "u2")).catch(() => undefined)).toBeUndefined();
  });

  it("says a failed fetch as the kubelet's FailedMount, and fetches again on the next try", async () => {
    answer = () => Promise.reject(new Error('the control plane answered 404: serviceaccounts "x" not found'));
    await expect(tokens.ensure(pod("u3"))).rejects.toThrow(
      'MountVolume.SetUp failed for volume "kube-api-access" : failed to fetch token: the control plane answered 404: serviceaccounts "x" not found',
    );
    answer = async () => ({ automount: true, token: "late" });
    expect(await tokens.ensure(pod("u3"))).toBeDefined();
    expect(await file("u3", "token")).toBe("late");
  });

  it("keeps the old token when a renewal fails, and retries after a pause", async () => {
    const stop = tokens.start(() => [pod("u4")]);
    await tokens.ensure(pod("u4"));
    answer = () => Promise.reject(new Error("down"));
    await clock.advance(2890_000);
    expect(calls).toHaveLength(2);
    await clock.advance(20_000);
    expect(calls).toHaveLength(2);
    await clock.advance(20_000);
    expect(calls).toHaveLength(3);
    expect(await file("u4", "token")).toBe("token-1");
    stop();
  });
});

describe("PodTokens, review fixes", () => {
  it("fetches the tokens of pods it never fetched for (adopted after an agent restart)", async () => {
    const stop = tokens.start(() => [pod("u5")]);
    await clock.advance(10_000);
    await vi.waitFor(async () => expect(await file("u5", "token")).toBe("token-1"));
    stop();
  });

  it("keeps a token still in date for a new container while the control plane is away", async () => {
    await tokens.ensure(pod("u6"));
    await clock.advance(2900_000);
    answer = () => Promise.reject(new Error("down"));
    expect(await tokens.ensure(pod("u6"))).toBeDefined();
    await clock.advance(800_000);
    await expect(tokens.ensure(pod("u6"))).rejects.toThrow("failed to fetch token: down");
  });
});

describe("PodTokens, projected serviceAccountToken sources", () => {
  const projectedPod: Pod = {
    ...pod("u7"),
    spec: {
      containers: [{ name: "c", image: "i" }],
      volumes: [
        {
          name: "vault",
          projected: {
            sources: [{ serviceAccountToken: { path: "t", audience: "vault", expirationSeconds: 600 } }],
          },
        },
      ],
    },
  };

  it("fetches the source's token for its audience and life, and renews it through its volume", async () => {
    const renewed: string[] = [];
    tokens = makeTokens({ onProjectedRenewed: (p) => renewed.push(p.metadata.uid ?? "") }, (r) =>
      r.projected
        ? Promise.resolve({
            automount: true,
            token: `vault-${calls.length}`,
            expirationTimestamp: new Date(clock.now() + 600_000).toISOString(),
          })
        : answer(),
    );
    await tokens.ensure(projectedPod);
    expect(calls).toContainEqual({
      namespace: "monitoring",
      name: "p-u7",
      uid: "u7",
      projected: true,
      audience: "vault",
      expirationSeconds: 600,
    });
    expect(tokens.tokenOf("u7", { audience: "vault", expirationSeconds: 600 })).toMatch(/^vault-/);
    const stop = tokens.start(() => [projectedPod]);
    await clock.advance(490_000);
    await vi.waitFor(() => expect(renewed).toEqual(["u7"]));
    stop();
  });
});
