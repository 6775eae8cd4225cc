// Which registry credentials a pull of an image uses: the pod's `imagePullSecrets` of type
// `kubernetes.io/dockerconfigjson` (or the older `kubernetes.io/dockercfg`), matched against
// the image's registry as a kubelet matches them (the registry host, `*` globs per host part,
// the port, and a path prefix; the most specific key first). Pure.

import type { Pod } from "../../shared/api-types.js";
import type { DeliveredObject } from "../../shared/config-delivery.js";
import { SECRET_TYPES } from "../../shared/config-types.js";
import type { RegistryCredential } from "../runtime/container-runtime.js";

/** What a pod's pull secrets give for one image, and which of them could not be used, and why. */
export interface PullCredentials {
  credentials: RegistryCredential[];
  problems: string[];
}

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

interface Location {
  host: string;
  port: string;
  path: string;
}

/** The registry and repository path of an image reference (`docker.io` when it names none). */
export function imageLocation(image: string): Location {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.indexOf("/");
  const first = slash < 0 ? "" : noDigest.slice(0, slash);
  // As the engine reads references: a first part with a dot or a port, or localhost, is a registry.
  const hasRegistry = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost");
  let rest = hasRegistry ? noDigest.slice(slash + 1) : noDigest;
  const tag = rest.lastIndexOf(":");
  if (tag > rest.lastIndexOf("/")) rest = rest.slice(0, tag);
  const [host, port] = hasRegistry ? splitPort(first) : [DOCKER_HUB, ""];
  return { host: normalHost(host), port, path: rest };
}

/** A key of a docker config (`https://index.docker.io/v1/`, `registry:5000/team`, `*.example.com`). */
export function keyLocation(key: string): Location | undefined {
  const bare = key.replace(/^[a-z]+:\/\//i, "");
  const slash = bare.indexOf("/");
  const hostPort = slash < 0 ? bare : bare.slice(0, slash);
  let path = slash < 0 ? "" : bare.slice(slash + 1);
  // The engine's API versions in a key mean the registry itself.
  if (/^v[12](\/|$)/.test(path)) path = path.slice(3);
  path = path.replace(/\/+$/, "");
  if (hostPort === "") return undefined;
  const [host, port] = splitPort(hostPort);
  return { host: normalHost(host), port, path };
}

function splitPort(hostPort: string): [string, string] {
  const colon = hostPort.lastIndexOf(":");
  return colon < 0 ? [hostPort, ""] : [hostPort.slice(0, colon), hostPort.slice(colon + 1)];
}

function normalHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? DOCKER_HUB : h;
}

/** `*` matches within one part of a host name, as the kubelet's keyring does. */
function globPart(pattern: string, part: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map(escapeRe).join("[^.]*")}$`);
  return re.test(part);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether credentials kept under `key` apply to `image`. */
export function keyMatches(key: Location, image: Location): boolean {
  const kp = key.host.split(".");
  const ip = image.host.split(".");
  if (kp.length !== ip.length || !kp.every((p, i) => globPart(p, ip[i] ?? ""))) return false;
  if (key.port !== image.port) return false;
  return key.path === "" || image.path === key.path || image.path.startsWith(`${key.path}/`);
}

interface Entry {
  key: string;
  location: Location;
  credential: RegistryCredential;
}

/** The entries of one pull Secret, or why it has none. */
function entriesOf(secret: DeliveredObject): Entry[] | string {
  const [field, nested] =
    secret.type === SECRET_TYPES.dockerConfigJson
      ? [".dockerconfigjson", true]
      : secret.type === SECRET_TYPES.dockercfg
        ? [".dockercfg", false]
        : [undefined, false];
  if (field === undefined)
    return `is of type "${secret.type ?? "Opaque"}", not ${SECRET_TYPES.dockerConfigJson}`;
  const raw = secret.data?.[field];
  if (raw === undefined) return `has no "${field}" key`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  } catch {
    return `has a "${field}" that is not JSON`;
  }
  const auths = nested ? (parsed as { auths?: unknown } | null)?.auths : parsed;
  if (typeof auths !== "object" || auths === null) return `has no registries in "${field}"`;
  const out: Entry[] = [];
  for (const key of Object.keys(auths)) {
    const value = (auths as Record<string, unknown>)[key];
    const location = keyLocation(key);
    if (!location || typeof value !== "object" || value === null) continue;
    const credential = credentialOf(value as Record<string, unknown>, location);
    if (credential) out.push({ key, location, credential });
  }
  return out;
}

function credentialOf(v: Record<string, unknown>, at: Location): RegistryCredential | undefined {
  const text = (k: string): string | undefined => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  let username = text("username");
  let password = text("password");
  const auth = text("auth");
  if (auth !== undefined && (username === undefined || username === "")) {
    const decoded = Buffer.from(auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  const identitytoken = text("identitytoken");
  if (!username && !identitytoken) return undefined;
  const serveraddress =
    at.host === DOCKER_HUB ? "https://index.docker.io/v1/" : at.port ? `${at.host}:${at.port}` : at.host;
  const out: RegistryCredential = { serveraddress };
  if (username) out.username = username;
  if (password !== undefined) out.password = password;
  if (identitytoken) out.identitytoken = identitytoken;
  return out;
}

/** A pull Secret as a pod (or a pre-pull) names it. */
export interface PullSecretRef {
  namespace: string;
  name: string;
}

/** The pull Secrets a pod names (`spec.imagePullSecrets`). */
export function podPullSecrets(pod: Pod): PullSecretRef[] {
  const namespace = pod.metadata.namespace ?? "default";
  return (pod.spec.imagePullSecrets ?? []).flatMap((r) => (r.name ? [{ namespace, name: r.name }] : []));
}

/**
 * The credentials for pulling `image` with the pull Secrets `refs` (looked up by `lookup`),
 * most specific key first; Secrets that are missing or unusable are named in `problems` (the
 * pull goes on without them, as on a kubelet).
 */
export function pullCredentialsFor(
  image: string,
  refs: readonly PullSecretRef[],
  lookup: (namespace: string, name: string) => DeliveredObject | undefined,
): PullCredentials {
  const target = imageLocation(image);
  const matched: Entry[] = [];
  const problems: string[] = [];
  for (const { namespace, name } of refs) {
    const secret = lookup(namespace, name);
    if (!secret) {
      problems.push(`the image pull Secret "${name}" does not exist`);
      continue;
    }
    const entries = entriesOf(secret);
    if (typeof entries === "string") {
      problems.push(`the image pull Secret "${name}" ${entries}`);
      continue;
    }
    matched.push(...entries.filter((e) => keyMatches(e.location, target)));
  }
  // Most specific first: a key with a path before the bare host, a longer path before a shorter.
  const specificity = (e: Entry): number => (e.location.path === "" ? 0 : e.location.path.length + 1);
  const ordered = matched
    .map((e, i) => ({ e, i }))
    .sort((a, b) => specificity(b.e) - specificity(a.e) || a.i - b.i)
    .map(({ e }) => e.credential);
  const seen = new Set<string>();
  const credentials = ordered.filter((c) => {
    const k = JSON.stringify(c);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { credentials, problems };
}
