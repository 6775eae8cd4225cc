// Between the DaemonSet controller and the agents, for `rollingUpdate.prePull`: each pass
// publishes, per DaemonSet, the images every node due for the update is to pull; the
// dispatcher sends a node the union in its assignment set's `prePull`, and the node-images
// ingest names the DaemonSets that wanted an image in its events. In memory: the first pass
// after a start publishes it all again. It also answers which agents pre-pull at all.

import type { DaemonSet } from "../../shared/api-types.js";
import type { PrePullImage } from "../../shared/protocol.js";
import { AGENT_LIMITS } from "../../shared/protocol.js";
import type { PrePullLink, PrePullSupport } from "../controller/plan-prepull.js";
import type { AgentCapabilities } from "./agent-capabilities.js";
import { pullSecretNames, type AccountReader } from "../controller/pull-secrets.js";

/** A stronger policy satisfies a weaker one: a pull also makes the image present. */
const STRENGTH = { Never: 0, IfNotPresent: 1, Always: 2 } as const;

export class PrePullBoard implements PrePullLink {
  /** Per node: image → the policy to pull it with and the DaemonSets that want it. */
  private byNode = new Map<string, Map<string, { image: PrePullImage; wanters: DaemonSet[] }>>();
  private readonly listeners: ((nodeName: string) => void)[] = [];

  constructor(
    private readonly capabilities: Pick<AgentCapabilities, "has" | "announced">,
    /** The ServiceAccounts, for the pull Secrets they add to pods. */
    private readonly readAccount: AccountReader = () => undefined,
  ) {}

  support(nodeName: string): PrePullSupport {
    if (!this.capabilities.announced(nodeName)) return "unknown";
    return this.capabilities.has(nodeName, "prePull") ? "yes" : "no";
  }

  /** Hears the nodes whose list changed. */
  onChange(listener: (nodeName: string) => void): void {
    this.listeners.push(listener);
  }

  publish(
    work: readonly { ds: DaemonSet; plan: { prePull?: ReadonlyMap<string, readonly PrePullImage[]> } }[],
  ): void {
    const next = new Map<string, Map<string, { image: PrePullImage; wanters: DaemonSet[] }>>();
    for (const { ds, plan } of work) {
      const secrets = this.pullSecretsOf(ds);
      for (const [nodeName, images] of plan.prePull ?? []) {
        const mine = next.get(nodeName) ?? new Map();
        next.set(nodeName, mine);
        for (const wanted of images) {
          const have = mine.get(wanted.image);
          const image = withSecrets(wanted, [...(have?.image.pullSecrets ?? []), ...secrets]);
          if (!have) mine.set(image.image, { image, wanters: [ds] });
          else {
            have.wanters.push(ds);
            have.image = strength(image) > strength(have.image) ? image : { ...have.image, ...pick(image) };
          }
        }
      }
    }
    const previous = this.byNode;
    this.byNode = next;
    const changed = new Set<string>();
    for (const name of new Set([...previous.keys(), ...next.keys()])) {
      if (listKey(previous.get(name)) !== listKey(next.get(name))) changed.add(name);
    }
    for (const name of changed) for (const l of this.listeners) l(name);
  }

  /** What the node is to pull now, at most AGENT_LIMITS.prePullImages, by image name. */
  imagesFor(nodeName: string): PrePullImage[] {
    const mine = this.byNode.get(nodeName);
    if (!mine) return [];
    return [...mine.values()]
      .map((e) => e.image)
      .sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0))
      .slice(0, AGENT_LIMITS.prePullImages);
  }

  /** The pull Secrets the DaemonSet's new pods would use. */
  private pullSecretsOf(ds: DaemonSet): { namespace: string; name: string }[] {
    const namespace = ds.metadata.namespace ?? "default";
    return pullSecretNames(ds.spec.template.spec, namespace, this.readAccount).map((name) => ({
      namespace,
      name,
    }));
  }

  /** The DaemonSets whose rollout wants `image` on the node. */
  wantersOf(nodeName: string, image: string): readonly DaemonSet[] {
    return this.byNode.get(nodeName)?.get(image)?.wanters ?? [];
  }
}

/** `image` with the union of `secrets` (each once, within the bound), or none. */
function withSecrets(image: PrePullImage, secrets: { namespace: string; name: string }[]): PrePullImage {
  const seen = new Set<string>();
  const unique = secrets.filter((s) => {
    const k = `${s.namespace}/${s.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const { pullSecrets: _drop, ...rest } = image;
  return unique.length > 0 ? { ...rest, pullSecrets: unique.slice(0, AGENT_LIMITS.prePullSecrets) } : rest;
}

/** The pull Secrets of an entry, to keep when another DaemonSet's policy wins. */
function pick(image: PrePullImage): Partial<PrePullImage> {
  return image.pullSecrets ? { pullSecrets: image.pullSecrets } : {};
}

function strength(i: PrePullImage): number {
  return STRENGTH[i.pullPolicy ?? "IfNotPresent"];
}

function listKey(m: Map<string, { image: PrePullImage }> | undefined): string {
  if (!m) return "";
  return [...m.values()]
    .map(
      (e) =>
        `${e.image.image}\u0000${e.image.pullPolicy ?? ""}\u0000${JSON.stringify(e.image.pullSecrets ?? [])}`,
    )
    .sort()
    .join("\u0001");
}
