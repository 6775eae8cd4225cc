// Containers and volumes in describe, for pods (with their statuses) and pod templates.

import type { Container, ContainerState, ContainerStatus, EnvVar, Volume } from "../../shared/api-types.js";
import type { DescribeWriter } from "./common.js";
import { rfc1123z } from "./common.js";

function ports(c: Container, host: boolean): string {
  return (c.ports ?? [])
    .map((p) => `${host ? (p.hostPort ?? 0) : p.containerPort}/${p.protocol ?? "TCP"}`)
    .join(", ");
}

function writeState(w: DescribeWriter, title: string, s: ContainerState): void {
  if (s.running) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(s.running.startedAt)}\n`);
  } else if (s.terminated) {
    const t = s.terminated;
    w.write(2, `${title}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode}\n`);
    if (t.signal) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
    if (s.waiting?.reason) w.write(3, `Reason:\t${s.waiting.reason}\n`);
  }
}

function writeResources(w: DescribeWriter, c: Container): void {
  for (const [title, list] of [
    ["Limits", c.resources?.limits],
    ["Requests", c.resources?.requests],
  ] as const) {
    const keys = Object.keys(list ?? {}).sort();
    if (keys.length === 0) continue;
    w.write(2, `${title}:\n`);
    for (const k of keys) w.write(3, `${k}:\t${String(list?.[k])}\n`);
  }
}

function writeEnv(w: DescribeWriter, env: EnvVar[] | undefined, resolve: (path: string) => string): void {
  const list = env ?? [];
  w.write(2, `Environment:${list.length === 0 ? "\t<none>" : ""}\n`);
  for (const e of list) {
    const ref = e.valueFrom?.fieldRef;
    if (ref) {
      w.write(3, `${e.name}:\t${resolve(ref.fieldPath)} (${ref.apiVersion ?? "v1"}:${ref.fieldPath})\n`);
    } else if (e.valueFrom) {
      w.write(3, `${e.name}:\t<set to a value from another object>\n`);
    } else {
      (e.value ?? "")
        .split("\n")
        .forEach((line, i) => w.write(3, i === 0 ? `${e.name}:\t${line}\n` : `\t${line}\n`));
    }
  }
}

/** `Containers:` with each container; `statuses` only for pods; `space` is "  " in templates. */
export function writeContainers(
  w: DescribeWriter,
  title: string,
  containers: Container[],
  statuses: ContainerStatus[] | undefined,
  space: string,
  resolve: (fieldPath: string) => string = () => "",
): void {
  w.write(0, `${space}${title}:\n`);
  for (const c of containers) {
    const status = statuses?.find((s) => s.name === c.name);
    w.write(1, `${space ? " " : ""}${c.name}:\n`);
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ""}\n`);
    w.write(2, `Image:\t${c.image ?? ""}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID ?? ""}\n`);
    const p = ports(c, false);
    w.write(2, p.includes(",") ? `Ports:\t${p}\n` : `Port:\t${p || "<none>"}\n`);
    const hp = ports(c, true);
    w.write(2, hp.includes(",") ? `Host Ports:\t${hp}\n` : `Host Port:\t${hp || "<none>"}\n`);
    if (c.command?.length) {
      w.write(2, "Command:\n");
      for (const line of c.command.flatMap((x) => x.split("\n"))) w.write(3, `${line}\n`);
    }
    if (c.args?.length) {
      w.write(2, "Args:\n");
      for (const line of c.args.flatMap((x) => x.split("\n"))) w.write(3, `${line}\n`);
    }
    if (status) {
      writeState(w, "State", status.state ?? {});
      if (status.lastState?.terminated) writeState(w, "Last State", status.lastState);
      w.write(2, `Ready:\t${status.ready ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    writeResources(w, c);
    writeEnv(w, c.env, resolve);
    const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => (a.mountPath < b.mountPath ? -1 : 1));
    w.write(2, `Mounts:${mounts.length === 0 ? "\t<none>" : ""}\n`);
    for (const m of mounts) {
      const flags = [m.readOnly ? "ro" : "rw", ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : [])];
      w.write(3, `${m.mountPath} from ${m.name} (${flags.join(",")})\n`);
    }
  }
}

/** `Volumes:` with each volume's source. */
export function writeVolumes(w: DescribeWriter, volumes: Volume[] | undefined, space: string): void {
  if (!volumes || volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? " " : ""}${v.name}:\n`);
    if (v.hostPath) {
      w.write(2, "Type:\tHostPath (bare host directory volume)\n");
      w.write(2, `Path:\t${v.hostPath.path}\n`);
      w.write(2, `HostPathType:\t${v.hostPath.type ?? "<none>"}\n`);
    } else if (v.emptyDir) {
      const limit = v.emptyDir.sizeLimit;
      w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n");
      w.write(2, `Medium:\t${typeof v.emptyDir.medium === "string" ? v.emptyDir.medium : ""}\n`);
      w.write(2, `SizeLimit:\t${limit ? String(limit) : "<unset>"}\n`);
    } else w.write(1, "<unknown>\n");
  }
}
