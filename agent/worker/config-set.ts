// The ConfigMaps and Secrets that came with the latest assignment set, looked up by the
// pods that refer to them. Pure.

import type { Pod } from "../../shared/api-types.js";
import type { ConfigDelivery, DeliveredObject } from "../../shared/config-delivery.js";
import { configKey, configKeysOf } from "../../shared/pod-references.js";

export class ConfigSet {
  private readonly configMaps = new Map<string, DeliveredObject>();
  private readonly secrets = new Map<string, DeliveredObject>();
  private readonly withheldPods = new Map<string, string>();

  constructor(delivery?: ConfigDelivery) {
    for (const o of delivery?.configMaps ?? []) this.configMaps.set(configKey(o.namespace, o.name), o);
    for (const o of delivery?.secrets ?? []) this.secrets.set(configKey(o.namespace, o.name), o);
    for (const w of delivery?.withheld ?? []) this.withheldPods.set(w.uid, w.message);
  }

  configMap(namespace: string, name: string): DeliveredObject | undefined {
    return this.configMaps.get(configKey(namespace, name));
  }

  secret(namespace: string, name: string): DeliveredObject | undefined {
    return this.secrets.get(configKey(namespace, name));
  }

  /** Why the pod got none of its objects (the node's bound), when it did not. */
  withheld(uid: string | undefined): string | undefined {
    return uid === undefined ? undefined : this.withheldPods.get(uid);
  }

  /**
   * What of the set a pod depends on, as text: it changes when one of the pod's objects is
   * created, changed or deleted, or the pod is withheld or let through.
   */
  versionFor(pod: Pod): string {
    const ns = pod.metadata.namespace ?? "default";
    const keys = configKeysOf(pod);
    const v = (o: DeliveredObject | undefined): string => (o ? `${o.uid}@${o.resourceVersion}` : "-");
    return JSON.stringify([
      keys.configMaps.map((k) => v(this.configMaps.get(k))),
      keys.secrets.map((k) => v(this.secrets.get(k))),
      this.withheld(pod.metadata.uid) ?? null,
      ns,
    ]);
  }

  get size(): number {
    return this.configMaps.size + this.secrets.size;
  }
}
