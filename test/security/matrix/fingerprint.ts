// What a refused request must not change: every object of every kind the server serves, and
// the join tokens, read over the API as the admin. Heartbeat times, resourceVersions and event
// repeat counts are left out (they move with time, not with requests). The store's global
// revision is the cheap first check: when it has not moved, no object has.

import { ALL_RESOURCES } from "../../../control-plane/kube/index.js";
import { JOIN_TOKENS_PATH } from "../../../control-plane/auth/token-routes.js";
import type { ServerProcess } from "../../helpers/server-process.js";

function collectionPath(info: (typeof ALL_RESOURCES)[number]): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return `${base}/${info.resource}`;
}

function normalize(resource: string, o: any): unknown {
  const copy = structuredClone(o);
  delete copy.metadata?.resourceVersion;
  delete copy.metadata?.managedFields;
  if (resource === "nodes") {
    for (const c of copy.status?.conditions ?? []) delete c.lastHeartbeatTime;
  }
  if (resource === "events") {
    for (const f of ["count", "lastTimestamp", "series"]) delete copy[f];
  }
  return copy;
}

/** Every object, keyed by kind/namespace/name, and the join tokens. */
export async function fingerprint(server: ServerProcess): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const info of ALL_RESOURCES) {
    const r = await server.send("GET", collectionPath(info));
    if (r.status !== 200)
      throw new Error(`listing ${info.resource} failed: ${r.status} ${r.text.slice(0, 300)}`);
    for (const item of r.json.items as any[]) {
      const key = `${info.resource}/${item.metadata.namespace ?? ""}/${item.metadata.name}`;
      out.set(key, JSON.stringify(normalize(info.resource, item)));
    }
  }
  const tokens = await server.send("GET", JOIN_TOKENS_PATH);
  if (tokens.status !== 200) throw new Error(`listing join tokens failed: ${tokens.status}`);
  for (const t of tokens.json.items as any[])
    out.set(`jointokens//${t.metadata.name}`, JSON.stringify(t.spec));
  return out;
}

async function revision(server: ServerProcess): Promise<string> {
  const r = await server.send("GET", "/api/v1/namespaces?limit=1");
  return String(r.json?.metadata?.resourceVersion ?? "");
}

async function tokenIds(server: ServerProcess): Promise<string> {
  const r = await server.send("GET", JOIN_TOKENS_PATH);
  return ((r.json?.items ?? []) as any[]).map((t) => t.metadata.name).join(",");
}

/** What changed between two fingerprints, for a failure message; undefined when nothing. */
export function describeChange(before: Map<string, string>, after: Map<string, string>): string | undefined {
  const lines: string[] = [];
  for (const [k, v] of after) {
    if (!before.has(k)) lines.push(`added ${k}`);
    else if (before.get(k) !== v)
      lines.push(`changed ${k}: ${before.get(k)?.slice(0, 300)} -> ${v.slice(0, 300)}`);
  }
  for (const k of before.keys()) if (!after.has(k)) lines.push(`removed ${k}`);
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/** A baseline of the store that a test compares against after each refused request. */
export class StoreBaseline {
  private objects = new Map<string, string>();
  private rev = "";
  private tokens = "";

  constructor(private readonly server: ServerProcess) {}

  /** Takes a new baseline (after something was allowed to change the store). */
  async take(): Promise<void> {
    this.rev = await revision(this.server);
    this.tokens = await tokenIds(this.server);
    this.objects = await fingerprint(this.server);
  }

  /** What changed since the baseline; undefined when nothing did. */
  async changes(): Promise<string | undefined> {
    const rev = await revision(this.server);
    const tokens = await tokenIds(this.server);
    if (rev === this.rev && tokens === this.tokens) return undefined;
    const change = describeChange(this.objects, await fingerprint(this.server));
    // Only resourceVersions moved: the next check can start from the cheap comparison again.
    if (change === undefined) {
      this.rev = rev;
      this.tokens = tokens;
    }
    return change;
  }
}
