// Real-world DaemonSet manifests the tests check (valid ones must pass validation and
// fieldValidation=Strict untouched): the tutorial's two ds.yaml and typical node agents.

import { parse } from "yaml";
import type { DaemonSet } from "../../../shared/api-types.js";

function ds(text: string): DaemonSet {
  const o = parse(text) as DaemonSet;
  o.metadata.namespace ??= "default";
  return o;
}

export const TUTORIAL_DS = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nginx
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;

export const TUTORIAL_DS_TOLERATIONS = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nginx
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      tolerations:
      - key: "node-role.kubernetes.io/control-plane"
        operator: "Exists"
        effect: "NoSchedule"
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;

export const NODE_EXPORTER_DS = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
  namespace: monitoring
  labels:
    app.kubernetes.io/name: node-exporter
    app.kubernetes.io/version: "1.8.2"
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: node-exporter
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 10%
  template:
    metadata:
      labels:
        app.kubernetes.io/name: node-exporter
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9100"
    spec:
      hostNetwork: true
      hostPID: true
      priorityClassName: system-node-critical
      nodeSelector:
        kubernetes.io/os: linux
      securityContext:
        runAsNonRoot: true
        runAsUser: 65534
      tolerations:
      - operator: Exists
      containers:
      - name: node-exporter
        image: quay.io/prometheus/node-exporter:v1.8.2
        args:
        - --path.procfs=/host/proc
        - --path.sysfs=/host/sys
        - --path.rootfs=/host/root
        - --web.listen-address=:9100
        ports:
        - name: metrics
          containerPort: 9100
          protocol: TCP
        readinessProbe:
          httpGet:
            path: /
            port: metrics
        livenessProbe:
          httpGet:
            path: /
            port: 9100
          initialDelaySeconds: 5
        resources:
          requests:
            cpu: 102m
            memory: 180Mi
          limits:
            cpu: 250m
            memory: 180Mi
        securityContext:
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
          capabilities:
            drop: ["ALL"]
        volumeMounts:
        - name: proc
          mountPath: /host/proc
          readOnly: true
        - name: sys
          mountPath: /host/sys
          readOnly: true
        - name: root
          mountPath: /host/root
          mountPropagation: HostToContainer
          readOnly: true
      volumes:
      - name: proc
        hostPath:
          path: /proc
      - name: sys
        hostPath:
          path: /sys
      - name: root
        hostPath:
          path: /
          type: Directory
`;

export const FLUENT_BIT_DS = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluent-bit
  namespace: logging
  labels:
    k8s-app: fluent-bit-logging
spec:
  selector:
    matchExpressions:
    - key: k8s-app
      operator: In
      values: [fluent-bit-logging]
  minReadySeconds: 5
  revisionHistoryLimit: 3
  template:
    metadata:
      labels:
        k8s-app: fluent-bit-logging
        version: v1
    spec:
      serviceAccountName: fluent-bit
      terminationGracePeriodSeconds: 10
      dnsPolicy: ClusterFirstWithHostNet
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node.kubernetes.io/not-ready
        operator: Exists
        effect: NoExecute
        tolerationSeconds: 300
      - key: dedicated
        operator: Equal
        value: logging
        effect: PreferNoSchedule
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: kubernetes.io/os
                operator: In
                values: [linux]
              - key: node.example.com/generation
                operator: Gt
                values: ["2"]
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 50
            preference:
              matchExpressions:
              - key: disk
                operator: Exists
      initContainers:
      - name: config-check
        image: busybox:1.36
        command: ["sh", "-c", "test -d /fluent-bit/etc"]
        volumeMounts:
        - name: config
          mountPath: /fluent-bit/etc/
      containers:
      - name: fluent-bit
        image: cr.fluentbit.io/fluent/fluent-bit:3.1.4@sha256:0000000000000000000000000000000000000000000000000000000000000000
        imagePullPolicy: IfNotPresent
        env:
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        - name: POD_NAME
          valueFrom:
            fieldRef:
              apiVersion: v1
              fieldPath: metadata.name
        - name: APP_LABEL
          valueFrom:
            fieldRef:
              fieldPath: metadata.labels['k8s-app']
        - name: HOST_IP
          valueFrom:
            fieldRef:
              fieldPath: status.hostIP
        - name: CPU_LIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
        - name: FLUENT_ELASTICSEARCH_HOST
          value: "elasticsearch"
        - name: FLUENT_ELASTICSEARCH_PORT
          value: "9200"
        ports:
        - name: http
          containerPort: 2020
        resources:
          limits:
            cpu: "1"
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 100Mi
            ephemeral-storage: 1Gi
        livenessProbe:
          tcpSocket:
            port: http
          periodSeconds: 20
        startupProbe:
          exec:
            command: ["/fluent-bit/bin/fluent-bit", "--version"]
          failureThreshold: 30
        lifecycle:
          preStop:
            sleep:
              seconds: 5
        volumeMounts:
        - name: varlog
          mountPath: /var/log
        - name: varlibdockercontainers
          mountPath: /var/lib/docker/containers
          readOnly: true
        - name: config
          mountPath: /fluent-bit/etc/
        - name: buffer
          mountPath: /buffer
          subPath: fluent-bit
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
      - name: varlibdockercontainers
        hostPath:
          path: /var/lib/docker/containers
          type: DirectoryOrCreate
      - name: config
        configMap:
          name: fluent-bit-config
      - name: buffer
        emptyDir:
          sizeLimit: 500Mi
`;

export const KUBE_PROXY_DS = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
  labels:
    k8s-app: kube-proxy
spec:
  selector:
    matchLabels:
      k8s-app: kube-proxy
  updateStrategy:
    type: OnDelete
  template:
    metadata:
      labels:
        k8s-app: kube-proxy
    spec:
      priorityClassName: system-node-critical
      hostNetwork: true
      serviceAccountName: kube-proxy
      nodeSelector:
        kubernetes.io/os: linux
      tolerations:
      - operator: Exists
        effect: NoSchedule
      - operator: Exists
        effect: NoExecute
      - key: CriticalAddonsOnly
        operator: Exists
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:v1.32.4
        command:
        - /usr/local/bin/kube-proxy
        - --config=/var/lib/kube-proxy/config.conf
        - --hostname-override=$(NODE_NAME)
        env:
        - name: NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        securityContext:
          privileged: true
        ports:
        - containerPort: 10256
          hostPort: 10256
          name: healthz
        volumeMounts:
        - mountPath: /var/lib/kube-proxy
          name: kube-proxy
        - mountPath: /run/xtables.lock
          name: xtables-lock
        - mountPath: /lib/modules
          name: lib-modules
          readOnly: true
      volumes:
      - name: kube-proxy
        configMap:
          name: kube-proxy
      - name: xtables-lock
        hostPath:
          path: /run/xtables.lock
          type: FileOrCreate
      - name: lib-modules
        hostPath:
          path: /lib/modules
`;

/** Every valid manifest, by name, parsed. */
export function validManifests(): [string, DaemonSet][] {
  return [
    ["tutorial ds.yaml", ds(TUTORIAL_DS)],
    ["tutorial ds.yaml with tolerations", ds(TUTORIAL_DS_TOLERATIONS)],
    ["node-exporter", ds(NODE_EXPORTER_DS)],
    ["fluent-bit", ds(FLUENT_BIT_DS)],
    ["kube-proxy", ds(KUBE_PROXY_DS)],
  ];
}

/** The tutorial's ds.yaml, parsed (a fresh copy each call, for tests to break). */
export function tutorialDaemonSet(): DaemonSet {
  return ds(TUTORIAL_DS);
}

/** A DaemonSet as a Kubernetes apiserver returned it (defaults, status, last-applied annotation). */
export const APISERVER_DAEMONSET: unknown = JSON.parse(
  '{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\\"apiVersion\\":\\"apps/v1\\",\\"kind\\":\\"DaemonSet\\",\\"metadata\\":{\\"annotations\\":{},\\"name\\":\\"nginx\\",\\"namespace\\":\\"default\\"},\\"spec\\":{\\"selector\\":{\\"matchLabels\\":{\\"app\\":\\"nginx\\"}},\\"template\\":{\\"metadata\\":{\\"labels\\":{\\"app\\":\\"nginx\\"}},\\"spec\\":{\\"containers\\":[{\\"image\\":\\"nginx\\",\\"name\\":\\"nginx\\",\\"ports\\":[{\\"containerPort\\":80}]}],\\"tolerations\\":[{\\"effect\\":\\"NoSchedule\\",\\"key\\":\\"node-role.kubernetes.io/control-plane\\",\\"operator\\":\\"Exists\\"}]}}}}\\n"}, "name": "nginx", "namespace": "default", "uid": "8864cda0-77f4-426b-8fca-36d74615c691", "creationTimestamp": "2026-12-01T11:19:07Z", "generation": 1, "resourceVersion": "115"}, "spec": {"selector": {"matchLabels": {"app": "nginx"}}, "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"image": "nginx", "name": "nginx", "ports": [{"containerPort": 80, "protocol": "TCP"}], "imagePullPolicy": "Always", "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "resources": {}}], "tolerations": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}], "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler", "terminationGracePeriodSeconds": 30, "securityContext": {}}}, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}, "revisionHistoryLimit": 10}, "status": {"currentNumberScheduled": 2, "numberMisscheduled": 0, "desiredNumberScheduled": 2, "numberReady": 2, "observedGeneration": 1, "updatedNumberScheduled": 2, "numberAvailable": 2}}',
);
