// `describe pod`: kubectl's layout, from the Pod and its events.

import type { KubeEvent, Pod } from "../../shared/api-types.js";
import {
  DescribeWriter,
  rfc1123z,
  writeAnnotations,
  writeEvents,
  writeLabels,
  writeTolerations,
} from "./common.js";
import { writeContainers, writeVolumes } from "./containers.js";

/** The controller as kubectl prints it: `DaemonSet/nginx`. */
export function controlledBy(pod: Pod): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
  return owner ? `${owner.kind}/${owner.name}` : "";
}

/** Kubernetes' QoS class from the containers' requests and limits. */
export function qosClass(pod: Pod): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const cs = pod.spec.containers ?? [];
  const has = (c: (typeof cs)[number]): boolean =>
    Object.keys(c.resources?.requests ?? {}).length > 0 || Object.keys(c.resources?.limits ?? {}).length > 0;
  if (!cs.some(has)) return "BestEffort";
  const guaranteed = cs.every((c) =>
    ["cpu", "memory"].every((r) => {
      const lim = c.resources?.limits?.[r];
      const req = c.resources?.requests?.[r] ?? lim;
      return lim !== undefined && String(req) === String(lim);
    }),
  );
  return guaranteed ? "Guaranteed" : "Burstable";
}

function fieldValue(pod: Pod, path: string): string {
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "spec.nodeName":
      return pod.spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return typeof pod.spec.serviceAccountName === "string" ? pod.spec.serviceAccountName : "";
    case "status.hostIP":
      return pod.status?.hostIP ?? "";
    case "status.podIP":
      return pod.status?.podIP ?? "";
    default:
      return "";
  }
}

/** The whole description of a pod. */
export function describePod(pod: Pod, events: KubeEvent[] | undefined, nowMs: number): string {
  const w = new DescribeWriter();
  const md = pod.metadata;
  const spec = pod.spec;
  const st = pod.status ?? {};
  w.write(0, `Name:\t${md.name ?? ""}\n`);
  w.write(0, `Namespace:\t${md.namespace ?? ""}\n`);
  if (typeof spec.priority === "number") w.write(0, `Priority:\t${spec.priority}\n`);
  if (typeof spec.serviceAccountName === "string" && spec.serviceAccountName)
    w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${st.hostIP ?? ""}\n` : "Node:\t<none>\n");
  if (st.startTime) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  writeLabels(w, "Labels", md.labels);
  writeAnnotations(w, "Annotations", md.annotations);
  if (md.deletionTimestamp) {
    w.write(0, `Status:\tTerminating (lasts ${rfc1123z(md.deletionTimestamp)})\n`);
    w.write(0, `Termination Grace Period:\t${md.deletionGracePeriodSeconds ?? 0}s\n`);
  } else w.write(0, `Status:\t${st.phase ?? ""}\n`);
  if (st.reason) w.write(0, `Reason:\t${st.reason}\n`);
  if (st.message) w.write(0, `Message:\t${st.message}\n`);
  w.write(0, `IP:\t${st.podIP ?? ""}\n`);
  const ips = st.podIPs ?? [];
  if (ips.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const owner = controlledBy(pod);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  const resolve = (p: string): string => fieldValue(pod, p);
  if (spec.initContainers?.length)
    writeContainers(w, "Init Containers", spec.initContainers, undefined, "", resolve);
  writeContainers(w, "Containers", spec.containers ?? [], st.containerStatuses, "", resolve);
  const conditions = st.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const c of conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  writeVolumes(w, spec.volumes, "");
  w.write(0, `QoS Class:\t${qosClass(pod)}\n`);
  writeLabels(w, "Node-Selectors", spec.nodeSelector);
  writeTolerations(w, "Tolerations", spec.tolerations);
  writeEvents(w, events, nowMs);
  return w.toString();
}
