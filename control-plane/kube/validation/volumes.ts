// Pod volumes and the containers' volumeMounts.

import { fieldError, type FieldError } from "../../../shared/errors.js";
import { isValidQuantity, QUANTITY_SYNTAX_MESSAGE } from "../../../shared/quantity.js";
import { dns1123LabelErrors } from "./names.js";
import { invalidEach, isObject, listField, notFound, stringField, typeInvalid } from "./util.js";

/** The volume sources Kubernetes knows; a volume names exactly one of them. */
export const VOLUME_SOURCES = [
  "hostPath",
  "emptyDir",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "gitRepo",
  "secret",
  "nfs",
  "iscsi",
  "glusterfs",
  "persistentVolumeClaim",
  "rbd",
  "flexVolume",
  "cinder",
  "cephfs",
  "flocker",
  "downwardAPI",
  "fc",
  "azureFile",
  "configMap",
  "vsphereVolume",
  "quobyte",
  "azureDisk",
  "photonPersistentDisk",
  "projected",
  "portworxVolume",
  "scaleIO",
  "storageos",
  "csi",
  "ephemeral",
  "image",
];

export const HOST_PATH_TYPES = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];

function noBacksteps(path: string, field: string): FieldError[] {
  return path.split(/[\\/]/).includes("..") ? [fieldError.invalid(field, path, "must not contain '..'")] : [];
}

function validateHostPath(src: unknown, path: string): FieldError[] {
  if (!isObject(src)) return [typeInvalid(path, src, "an object")];
  const errs: FieldError[] = [];
  const p = stringField(src.path, `${path}.path`, errs);
  if (!p) errs.push(fieldError.required(`${path}.path`));
  else errs.push(...noBacksteps(p, `${path}.path`));
  if (src.type !== undefined && src.type !== null) {
    const t = stringField(src.type, `${path}.type`, errs);
    if (!HOST_PATH_TYPES.includes(t)) errs.push(fieldError.notSupported(`${path}.type`, t, HOST_PATH_TYPES));
  }
  return errs;
}

function validateEmptyDir(src: unknown, path: string): FieldError[] {
  if (!isObject(src)) return [typeInvalid(path, src, "an object")];
  const errs: FieldError[] = [];
  if (src.sizeLimit !== undefined && !isValidQuantity(src.sizeLimit)) {
    errs.push(fieldError.invalid(`${path}.sizeLimit`, src.sizeLimit, QUANTITY_SYNTAX_MESSAGE));
  }
  const medium = stringField(src.medium, `${path}.medium`, errs);
  if (medium && medium !== "Memory" && !medium.startsWith("HugePages")) {
    errs.push(fieldError.notSupported(`${path}.medium`, medium, ["", "Memory", "HugePages"]));
  }
  return errs;
}

/** Kubernetes' bounds of a projected token's life: 10 minutes to 2^32 seconds. */
const TOKEN_SECONDS = { min: 600, max: 2 ** 32 };

function validateTokenSources(sources: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(sources) ? sources : []).forEach((s, i) => {
    if (!isObject(s) || s.serviceAccountToken == null) return;
    const p = `${path}[${i}].serviceAccountToken`;
    const t = s.serviceAccountToken;
    if (!isObject(t)) return void errs.push(typeInvalid(p, t, "an object"));
    const file = stringField(t.path, `${p}.path`, errs);
    if (!file) errs.push(fieldError.required(`${p}.path`));
    else errs.push(...noBacksteps(file, `${p}.path`));
    const seconds = t.expirationSeconds;
    if (seconds !== undefined && seconds !== null) {
      if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < TOKEN_SECONDS.min)
        errs.push(
          fieldError.invalid(
            `${p}.expirationSeconds`,
            seconds,
            "may not specify a duration less than 10 minutes",
          ),
        );
      else if (seconds > TOKEN_SECONDS.max)
        errs.push(
          fieldError.invalid(
            `${p}.expirationSeconds`,
            seconds,
            "may not specify a duration larger than 2^32 seconds",
          ),
        );
    }
  });
  return errs;
}

/** spec.volumes: names are unique DNS-1123 labels, each volume has exactly one source. Returns the names too. */
export function validateVolumes(
  volumes: unknown,
  path: string,
): { errors: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  listField(volumes, path, errs).forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(v)) {
      errs.push(typeInvalid(p, v, "a volume"));
      return;
    }
    const name = stringField(v.name, `${p}.name`, errs);
    if (!name) errs.push(fieldError.required(`${p}.name`));
    else {
      errs.push(...invalidEach(`${p}.name`, name, dns1123LabelErrors(name)));
      if (names.has(name)) errs.push(fieldError.duplicate(`${p}.name`, name));
      names.add(name);
    }
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(fieldError.required(p, "must specify a volume type"));
    for (const extra of sources.slice(1)) {
      errs.push(fieldError.forbidden(`${p}.${extra}`, "may not specify more than 1 volume type"));
    }
    if (v.hostPath != null) errs.push(...validateHostPath(v.hostPath, `${p}.hostPath`));
    if (v.emptyDir != null) errs.push(...validateEmptyDir(v.emptyDir, `${p}.emptyDir`));
    if (isObject(v.projected))
      errs.push(...validateTokenSources(v.projected.sources, `${p}.projected.sources`));
  });
  return { errors: errs, names };
}

/** A container's volumeMounts: each names an existing volume, mount paths are unique, subPaths stay inside. */
export function validateVolumeMounts(mounts: unknown, volumeNames: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  listField(mounts, path, errs).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(m)) {
      errs.push(typeInvalid(p, m, "a volume mount"));
      return;
    }
    const name = stringField(m.name, `${p}.name`, errs);
    if (!name) errs.push(fieldError.required(`${p}.name`));
    else if (!volumeNames.has(name)) errs.push(notFound(`${p}.name`, name));
    const mountPath = stringField(m.mountPath, `${p}.mountPath`, errs);
    if (!mountPath) errs.push(fieldError.required(`${p}.mountPath`));
    else if (mountPaths.has(mountPath))
      errs.push(fieldError.invalid(`${p}.mountPath`, mountPath, "must be unique"));
    mountPaths.add(mountPath);
    const subPath = stringField(m.subPath, `${p}.subPath`, errs);
    if (subPath) {
      if (subPath.startsWith("/"))
        errs.push(fieldError.invalid(`${p}.subPath`, subPath, "must be a relative path"));
      errs.push(...noBacksteps(subPath, `${p}.subPath`));
    }
    const propagation = m.mountPropagation;
    const modes = ["Bidirectional", "HostToContainer", "None"];
    if (propagation !== undefined && !modes.includes(String(propagation))) {
      errs.push(fieldError.notSupported(`${p}.mountPropagation`, propagation, modes));
    }
  });
  return errs;
}
