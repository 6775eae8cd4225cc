// The strict-fields walk runs on every write: the registry's compiled trees on a typical
// DaemonSet (a log shipper with probes, volumes,
// env and resources, defaulted, with status and the last-applied annotation). Also the
// one-time cost of building the registry and its trees.
// `npm run build && node dist/bench/known-fields-bench.js`.

import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { applyDaemonSetDefaults, buildRegistry, KINDS } from "../control-plane/kube/index.js";
// The walk's own parts, to time the walk apart from the registry lookup.
import { fieldTrees, findUnknownFields } from "../control-plane/kube/schema/known-fields.js";

const TUTORIAL = `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: nginx, namespace: default}
spec:
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
`;

const SHIPPER = {
  ...applyDaemonSetDefaults(
    parse(`
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
  namespace: logging
  labels: {app.kubernetes.io/name: log-shipper, app.kubernetes.io/version: "3.1"}
  annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: log-shipper}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: "10%"}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: log-shipper}
      annotations: {checksum/config: abc123}
    spec:
      serviceAccountName: log-shipper
      priorityClassName: system-node-critical
      tolerations: [{operator: Exists}]
      nodeSelector: {kubernetes.io/os: linux}
      containers:
      - name: shipper
        image: registry.example.com/shipper:3.1
        args: [--config=/etc/shipper/shipper.yaml]
        env:
        - {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
        - {name: LOG_LEVEL, value: info}
        ports: [{name: http, containerPort: 2020, protocol: TCP}]
        resources: {limits: {memory: 200Mi}, requests: {cpu: 100m, memory: 100Mi}}
        livenessProbe: {httpGet: {path: /, port: http}, periodSeconds: 10}
        readinessProbe: {httpGet: {path: /api/v1/health, port: http}}
        securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        volumeMounts:
        - {name: config, mountPath: /etc/shipper}
        - {name: varlog, mountPath: /var/log, readOnly: true}
        - {name: containers, mountPath: /var/lib/docker/containers, readOnly: true}
      volumes:
      - {name: config, configMap: {name: log-shipper}}
      - {name: varlog, hostPath: {path: /var/log}}
      - {name: containers, hostPath: {path: /var/lib/docker/containers}}
`),
  ),
  status: {
    currentNumberScheduled: 3,
    numberMisscheduled: 0,
    desiredNumberScheduled: 3,
    numberReady: 3,
    observedGeneration: 1,
    updatedNumberScheduled: 3,
    numberAvailable: 3,
  },
};

/** Mean microseconds per call of `fn` over `rounds` rounds of `n` calls (the best round). */
function microseconds(fn: () => void, n = 20_000, rounds = 5): number {
  for (let i = 0; i < n; i++) fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, ((performance.now() - start) * 1000) / n);
  }
  return Math.round(best * 100) / 100;
}

export interface KnownFieldsBench {
  registryBuildMs: number;
  bodies: { name: string; registryUs: number }[];
}

export function runKnownFieldsBench(): KnownFieldsBench {
  const start = performance.now();
  const registry = buildRegistry(KINDS);
  const tree = fieldTrees(registry).get("daemonsets");
  const registryBuildMs = Math.round((performance.now() - start) * 100) / 100;
  if (!tree) throw new Error("no DaemonSet tree");
  const bodies = (
    [
      ["tutorial DaemonSet", parse(TUTORIAL)],
      ["log shipper DaemonSet, defaulted, with status", SHIPPER],
    ] as const
  ).map(([name, body]) => ({
    name,
    registryUs: microseconds(() => findUnknownFields(tree, body)),
  }));
  return { registryBuildMs, bodies };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runKnownFieldsBench();
  process.stdout.write(`registry and field trees built in ${result.registryBuildMs} ms\n`);
  for (const b of result.bodies)
    process.stdout.write(`${b.name}: ${b.registryUs} µs per unknown-fields walk\n`);
}
