// The ConfigMaps, Secrets and ServiceAccount a pod spec refers to, as the kubelet finds them
// before starting a pod: volumes (configMap, secret, projected sources), env (`valueFrom`
// configMapKeyRef / secretKeyRef), `envFrom`, `imagePullSecrets`, in every container, init
// container and ephemeral container. Pure. For the agent-delivery step: which objects a
// node needs for its pods (and so which Secrets reach which nodes), and which missing
// references must keep a pod waiting (`optional: true` ones need not).

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** One reference: the object's name, where the spec names it, and whether it may be missing. */
export interface ObjectReference {
  name: string;
  /** Dotted path of the reference in the pod spec, for messages (`spec.volumes[0].configMap`). */
  path: string;
  optional: boolean;
  /** The key a keyRef or an `items` entry needs, when it names one. */
  keys?: string[];
}

export interface PodReferences {
  configMaps: ObjectReference[];
  secrets: ObjectReference[];
  /** `spec.serviceAccountName` (or the deprecated `serviceAccount`), else `default`. */
  serviceAccount: string;
  /** Whether a token is mounted: `automountServiceAccountToken` unless false (the pod's wins). */
  automountToken: boolean | undefined;
}

function itemKeys(source: Obj): string[] | undefined {
  const keys = objs(source["items"])
    .map((i) => str(i["key"]))
    .filter((k): k is string => k !== undefined);
  return keys.length > 0 ? keys : undefined;
}

function ref(name: string, path: string, optional: unknown, keys?: string[]): ObjectReference {
  return { name, path, optional: optional === true, ...(keys ? { keys } : {}) };
}

/** Every reference of a pod spec (a Pod's `spec` or a DaemonSet's `spec.template.spec`). */
export function podReferences(spec: unknown, at = "spec"): PodReferences {
  const s = isObj(spec) ? spec : {};
  const configMaps: ObjectReference[] = [];
  const secrets: ObjectReference[] = [];
  objs(s["volumes"]).forEach((v, i) => {
    const path = `${at}.volumes[${i}]`;
    const cm = v["configMap"];
    if (isObj(cm) && str(cm["name"]))
      configMaps.push(ref(str(cm["name"]) as string, `${path}.configMap`, cm["optional"], itemKeys(cm)));
    const secret = v["secret"];
    if (isObj(secret) && str(secret["secretName"]))
      secrets.push(
        ref(str(secret["secretName"]) as string, `${path}.secret`, secret["optional"], itemKeys(secret)),
      );
    const projected = v["projected"];
    if (isObj(projected)) {
      objs(projected["sources"]).forEach((src, j) => {
        const p = `${path}.projected.sources[${j}]`;
        const pcm = src["configMap"];
        if (isObj(pcm) && str(pcm["name"]))
          configMaps.push(ref(str(pcm["name"]) as string, `${p}.configMap`, pcm["optional"], itemKeys(pcm)));
        const ps = src["secret"];
        if (isObj(ps) && str(ps["name"]))
          secrets.push(ref(str(ps["name"]) as string, `${p}.secret`, ps["optional"], itemKeys(ps)));
      });
    }
  });
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    objs(s[list]).forEach((c, i) => {
      const path = `${at}.${list}[${i}]`;
      objs(c["env"]).forEach((e, j) => {
        const from = e["valueFrom"];
        if (!isObj(from)) return;
        const cmk = from["configMapKeyRef"];
        if (isObj(cmk) && str(cmk["name"])) {
          const key = str(cmk["key"]);
          configMaps.push(
            ref(
              str(cmk["name"]) as string,
              `${path}.env[${j}].valueFrom.configMapKeyRef`,
              cmk["optional"],
              key ? [key] : undefined,
            ),
          );
        }
        const sk = from["secretKeyRef"];
        if (isObj(sk) && str(sk["name"])) {
          const key = str(sk["key"]);
          secrets.push(
            ref(
              str(sk["name"]) as string,
              `${path}.env[${j}].valueFrom.secretKeyRef`,
              sk["optional"],
              key ? [key] : undefined,
            ),
          );
        }
      });
      objs(c["envFrom"]).forEach((e, j) => {
        const cm = e["configMapRef"];
        if (isObj(cm) && str(cm["name"]))
          configMaps.push(
            ref(str(cm["name"]) as string, `${path}.envFrom[${j}].configMapRef`, cm["optional"]),
          );
        const sr = e["secretRef"];
        if (isObj(sr) && str(sr["name"]))
          secrets.push(ref(str(sr["name"]) as string, `${path}.envFrom[${j}].secretRef`, sr["optional"]));
      });
    });
  }
  objs(s["imagePullSecrets"]).forEach((p, i) => {
    // The kubelet pulls without a missing pull secret (and warns): optional.
    if (str(p["name"])) secrets.push(ref(str(p["name"]) as string, `${at}.imagePullSecrets[${i}]`, true));
  });
  const automount = s["automountServiceAccountToken"];
  return {
    configMaps,
    secrets,
    serviceAccount: str(s["serviceAccountName"]) ?? str(s["serviceAccount"]) ?? "default",
    automountToken: typeof automount === "boolean" ? automount : undefined,
  };
}

/** The distinct names of references (a node fetches each object once). */
export function referencedNames(refs: readonly ObjectReference[]): string[] {
  return [...new Set(refs.map((r) => r.name))];
}

/**
 * The references that keep a pod from starting, given what exists: a required object that is
 * missing, or a required key that the object lacks (`keysOf` gives an object's keys, undefined
 * when it does not exist). Kubernetes reports these as CreateContainerConfigError.
 */
export function unmetReferences(
  refs: readonly ObjectReference[],
  keysOf: (name: string) => readonly string[] | undefined,
): { ref: ObjectReference; missingKey?: string }[] {
  const out: { ref: ObjectReference; missingKey?: string }[] = [];
  for (const r of refs) {
    if (r.optional) continue;
    const keys = keysOf(r.name);
    if (keys === undefined) {
      out.push({ ref: r });
      continue;
    }
    const missing = r.keys?.find((k) => !keys.includes(k));
    if (missing !== undefined) out.push({ ref: r, missingKey: missing });
  }
  return out;
}

/** How a delivered object is named in an assignment set: `<namespace>/<name>`. */
export function configKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * The ConfigMaps and Secrets (as `namespace/name` keys) one pod needs on its node: the
 * objects the dispatcher sends with the node's set, and the agent looks up.
 */
export function configKeysOf(pod: { metadata: { namespace?: string }; spec?: unknown }): {
  configMaps: string[];
  secrets: string[];
} {
  const ns = pod.metadata.namespace ?? "default";
  const refs = podReferences(pod.spec);
  return {
    configMaps: referencedNames(refs.configMaps).map((n) => configKey(ns, n)),
    secrets: referencedNames(refs.secrets).map((n) => configKey(ns, n)),
  };
}
