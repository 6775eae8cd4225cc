// A tiny read-only container registry on 127.0.0.1 for the tests (no registry is reachable
// here): it serves images saved from the machine's engine (`docker save`) over the registry
// HTTP API v2, so that the engine really pulls them (Docker pulls from 127.0.0.0/8 over plain
// HTTP). Layers go out as `docker save` wrote them, uncompressed (the engine detects that);
// each blob can be held back a while, so that a pull takes a noticeable time.

import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { run } from "./cluster.js";

interface Blob {
  file: string;
  size: number;
}

export interface MiniRegistry {
  /** host:port, the prefix of the images' names. */
  host: string;
  /** Blob requests served so far. */
  blobRequests: number;
  /** Manifest requests answered so far: one per pull, even of an image the engine has. */
  manifestRequests: number;
  close(): Promise<void>;
}

const MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json";

function sha256File(file: string): string {
  return `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`;
}

/**
 * Serves each local image of `images` (name in the registry → local image) after saving it.
 * `blobDelayMs` holds back every blob before it is sent.
 */
export async function startMiniRegistry(
  images: Record<string, string>,
  options: { blobDelayMs?: number } = {},
): Promise<MiniRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "everynode-registry-"));
  const blobs = new Map<string, Blob>();
  const manifests = new Map<string, { body: string; digest: string }>();
  try {
    for (const [name, local] of Object.entries(images)) {
      const sub = path.join(dir, name.replace(/[^a-z0-9]/g, "_"));
      const tar = `${sub}.tar`;
      const saved = await run("docker", ["save", "-o", tar, local]);
      if (saved.code !== 0) throw new Error(`docker save ${local}: ${saved.stderr}`);
      await run("mkdir", ["-p", sub]);
      const untar = await run("tar", ["-xf", tar, "-C", sub]);
      if (untar.code !== 0) throw new Error(`tar: ${untar.stderr}`);
      const [entry] = JSON.parse(readFileSync(path.join(sub, "manifest.json"), "utf8")) as {
        Config: string;
        Layers: string[];
      }[];
      if (!entry) throw new Error(`docker save ${local} wrote no manifest`);
      const add = (file: string): { digest: string; size: number } => {
        const digest = sha256File(file);
        const size = statSync(file).size;
        blobs.set(digest, { file, size });
        return { digest, size };
      };
      const config = add(path.join(sub, entry.Config));
      const layers = entry.Layers.map((l) => add(path.join(sub, l)));
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST_TYPE,
        config: { mediaType: "application/vnd.docker.container.image.v1+json", ...config },
        layers: layers.map((l) => ({ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", ...l })),
      });
      const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
      const [repo, tag] = name.split(":");
      manifests.set(`${repo}/${tag ?? "latest"}`, { body, digest });
      manifests.set(`${repo}/${digest}`, { body, digest });
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  let blobRequests = 0;
  let manifestRequests = 0;
  const server = http.createServer((req, res) => {
    res.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    const url = req.url ?? "";
    const head = req.method === "HEAD";
    if (url === "/v2/" || url === "/v2") {
      res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/?]+)$/.exec(url);
    if (m?.[2] === "manifests") {
      const found = manifests.get(`${m[1]}/${m[3]}`);
      if (!found) {
        res
          .writeHead(404, { "Content-Type": "application/json" })
          .end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
        return;
      }
      manifestRequests++;
      res.writeHead(200, {
        "Content-Type": MANIFEST_TYPE,
        "Content-Length": Buffer.byteLength(found.body),
        "Docker-Content-Digest": found.digest,
      });
      res.end(head ? undefined : found.body);
      return;
    }
    const blob = m?.[2] === "blobs" ? blobs.get(m[3] ?? "") : undefined;
    if (!blob) {
      res.writeHead(404, { "Content-Type": "application/json" }).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
      return;
    }
    blobRequests++;
    setTimeout(() => {
      res.writeHead(200, {
        "Content-Type": "application/octet-stream",
        "Content-Length": blob.size,
        "Docker-Content-Digest": m?.[3] ?? "",
      });
      if (head) res.end();
      else createReadStream(blob.file).pipe(res);
    }, options.blobDelayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const registry: MiniRegistry = {
    host: `127.0.0.1:${port}`,
    get blobRequests() {
      return blobRequests;
    },
    get manifestRequests() {
      return manifestRequests;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return registry;
}
