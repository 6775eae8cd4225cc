// The field names of Kubernetes' ObjectMeta, PodSpec and Container (with probes, security
// contexts, volumes and affinity), for known-fields.ts. Written from the v1 API reference so
// that real-world manifests pass `fieldValidation=Strict` and typos do not.

/** "" a scalar, "map" a map with any keys, "any" free-form; [s] a list of s; {fields} an object. */
export type Schema = "" | "map" | "any" | [Schema] | { fields: Record<string, Schema> };

const obj = (fields: Record<string, Schema>): Schema => ({ fields });
const list = (item: Schema): Schema => [item];
const scalars = (...names: string[]): Record<string, Schema> => Object.fromEntries(names.map((n) => [n, ""]));

export const OBJECT_META = obj({
  ...scalars(
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "finalizers",
  ),
  labels: "map",
  annotations: "map",
  ownerReferences: list(
    obj(scalars("apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")),
  ),
  managedFields: "any",
});

export const LABEL_SELECTOR = obj({
  matchLabels: "map",
  matchExpressions: list(obj(scalars("key", "operator", "values"))),
});
const NAME_REF = obj(scalars("name"));
const KEY_REF = obj(scalars("name", "key", "optional"));
const FIELD_REF = obj(scalars("apiVersion", "fieldPath"));
const RESOURCE_FIELD_REF = obj(scalars("containerName", "resource", "divisor"));
const KEY_TO_PATH = list(obj(scalars("key", "path", "mode")));

const HTTP_GET = obj({
  ...scalars("path", "port", "host", "scheme"),
  httpHeaders: list(obj(scalars("name", "value"))),
});
const EXEC = obj(scalars("command"));
const TCP_SOCKET = obj(scalars("port", "host"));
const PROBE = obj({
  exec: EXEC,
  httpGet: HTTP_GET,
  tcpSocket: TCP_SOCKET,
  grpc: obj(scalars("port", "service")),
  ...scalars(
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
    "terminationGracePeriodSeconds",
  ),
});
const HOOK = obj({ exec: EXEC, httpGet: HTTP_GET, tcpSocket: TCP_SOCKET, sleep: obj(scalars("seconds")) });

const SE_LINUX = obj(scalars("user", "role", "type", "level"));
const WINDOWS = obj(scalars("gmsaCredentialSpecName", "gmsaCredentialSpec", "runAsUserName", "hostProcess"));
const PROFILE = obj(scalars("type", "localhostProfile"));
const SECURITY_CONTEXT = obj({
  capabilities: obj(scalars("add", "drop")),
  seLinuxOptions: SE_LINUX,
  windowsOptions: WINDOWS,
  seccompProfile: PROFILE,
  appArmorProfile: PROFILE,
  ...scalars(
    "privileged",
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "procMount",
  ),
});
const POD_SECURITY_CONTEXT = obj({
  seLinuxOptions: SE_LINUX,
  windowsOptions: WINDOWS,
  seccompProfile: PROFILE,
  appArmorProfile: PROFILE,
  sysctls: list(obj(scalars("name", "value"))),
  ...scalars(
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "fsGroup",
    "fsGroupChangePolicy",
    "seLinuxChangePolicy",
  ),
});

const RESOURCES = obj({ limits: "map", requests: "map", claims: list(obj(scalars("name", "request"))) });

export const CONTAINER = {
  fields: {
    ...scalars(
      "name",
      "image",
      "command",
      "args",
      "workingDir",
      "restartPolicy",
      "terminationMessagePath",
      "terminationMessagePolicy",
      "imagePullPolicy",
      "stdin",
      "stdinOnce",
      "tty",
      "targetContainerName",
    ),
    ports: list(obj(scalars("name", "hostPort", "containerPort", "protocol", "hostIP"))),
    envFrom: list(
      obj({
        prefix: "",
        configMapRef: obj(scalars("name", "optional")),
        secretRef: obj(scalars("name", "optional")),
      }),
    ),
    env: list(
      obj({
        ...scalars("name", "value"),
        valueFrom: obj({
          fieldRef: FIELD_REF,
          resourceFieldRef: RESOURCE_FIELD_REF,
          configMapKeyRef: KEY_REF,
          secretKeyRef: KEY_REF,
          fileKeyRef: obj(scalars("volumeName", "path", "key", "optional")),
        }),
      }),
    ),
    resources: RESOURCES,
    resizePolicy: list(obj(scalars("resourceName", "restartPolicy"))),
    restartPolicyRules: "any",
    volumeMounts: list(
      obj(
        scalars(
          "name",
          "readOnly",
          "recursiveReadOnly",
          "mountPath",
          "subPath",
          "mountPropagation",
          "subPathExpr",
        ),
      ),
    ),
    volumeDevices: list(obj(scalars("name", "devicePath"))),
    livenessProbe: PROBE,
    readinessProbe: PROBE,
    startupProbe: PROBE,
    lifecycle: obj({ postStart: HOOK, preStop: HOOK, stopSignal: "" }),
    securityContext: SECURITY_CONTEXT,
  } as Record<string, Schema>,
};

const NODE_SELECTOR_TERM = obj({
  matchExpressions: list(obj(scalars("key", "operator", "values"))),
  matchFields: list(obj(scalars("key", "operator", "values"))),
});
const POD_AFFINITY_TERM = obj({
  labelSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ...scalars("namespaces", "topologyKey", "matchLabelKeys", "mismatchLabelKeys"),
});
const POD_AFFINITY = obj({
  requiredDuringSchedulingIgnoredDuringExecution: list(POD_AFFINITY_TERM),
  preferredDuringSchedulingIgnoredDuringExecution: list(
    obj({ weight: "", podAffinityTerm: POD_AFFINITY_TERM }),
  ),
});
const AFFINITY = obj({
  nodeAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: obj({ nodeSelectorTerms: list(NODE_SELECTOR_TERM) }),
    preferredDuringSchedulingIgnoredDuringExecution: list(
      obj({ weight: "", preference: NODE_SELECTOR_TERM }),
    ),
  }),
  podAffinity: POD_AFFINITY,
  podAntiAffinity: POD_AFFINITY,
});

const DOWNWARD_ITEMS = list(
  obj({ path: "", mode: "", fieldRef: FIELD_REF, resourceFieldRef: RESOURCE_FIELD_REF }),
);
const PROJECTION = obj({
  secret: obj({ ...scalars("name", "optional"), items: KEY_TO_PATH }),
  configMap: obj({ ...scalars("name", "optional"), items: KEY_TO_PATH }),
  downwardAPI: obj({ items: DOWNWARD_ITEMS }),
  serviceAccountToken: obj(scalars("audience", "expirationSeconds", "path")),
  clusterTrustBundle: obj({
    ...scalars("name", "signerName", "optional", "path"),
    labelSelector: LABEL_SELECTOR,
  }),
  podCertificate: "any",
});

// Sources everynode does not run are still Kubernetes fields: known, but not looked into.
const OTHER_VOLUME_SOURCES = [
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "iscsi",
  "glusterfs",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "fc",
  "azureFile",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "ephemeral",
];

const VOLUME = obj({
  name: "",
  hostPath: obj(scalars("path", "type")),
  emptyDir: obj(scalars("medium", "sizeLimit")),
  secret: obj({ ...scalars("secretName", "defaultMode", "optional"), items: KEY_TO_PATH }),
  configMap: obj({ ...scalars("name", "defaultMode", "optional"), items: KEY_TO_PATH }),
  downwardAPI: obj({ defaultMode: "", items: DOWNWARD_ITEMS }),
  projected: obj({ defaultMode: "", sources: list(PROJECTION) }),
  persistentVolumeClaim: obj(scalars("claimName", "readOnly")),
  nfs: obj(scalars("server", "path", "readOnly")),
  csi: obj({
    ...scalars("driver", "readOnly", "fsType"),
    volumeAttributes: "map",
    nodePublishSecretRef: NAME_REF,
  }),
  image: obj(scalars("reference", "pullPolicy")),
  ...Object.fromEntries(OTHER_VOLUME_SOURCES.map((s) => [s, "any" as Schema])),
});

export const POD_SPEC = obj({
  ...scalars(
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "hostname",
    "subdomain",
    "schedulerName",
    "priorityClassName",
    "priority",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "setHostnameAsFQDN",
    "hostUsers",
    "hostnameOverride",
  ),
  volumes: list(VOLUME),
  initContainers: list(CONTAINER),
  containers: list(CONTAINER),
  ephemeralContainers: list(CONTAINER),
  nodeSelector: "map",
  securityContext: POD_SECURITY_CONTEXT,
  imagePullSecrets: list(NAME_REF),
  affinity: AFFINITY,
  tolerations: list(obj(scalars("key", "operator", "value", "effect", "tolerationSeconds"))),
  hostAliases: list(obj(scalars("ip", "hostnames"))),
  dnsConfig: obj({ ...scalars("nameservers", "searches"), options: list(obj(scalars("name", "value"))) }),
  readinessGates: list(obj(scalars("conditionType"))),
  overhead: "map",
  topologySpreadConstraints: list(
    obj({
      ...scalars(
        "maxSkew",
        "topologyKey",
        "whenUnsatisfiable",
        "minDomains",
        "nodeAffinityPolicy",
        "nodeTaintsPolicy",
        "matchLabelKeys",
      ),
      labelSelector: LABEL_SELECTOR,
    }),
  ),
  os: obj(scalars("name")),
  schedulingGates: list(obj(scalars("name"))),
  resourceClaims: list(obj(scalars("name", "resourceClaimName", "resourceClaimTemplateName"))),
  resources: RESOURCES,
});
