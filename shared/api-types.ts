// The Kubernetes object shapes everynode serves and stores. Only the fields everynode reads
// or writes are typed; everything else a client sends is kept as it came (the index
// signatures), because kubectl diffs against what it stored.
//
// One file per kind (or family), all exported from here.

export * from "./api-types/meta.js";
export * from "./api-types/scheduling.js";
export * from "./api-types/pods.js";
export * from "./api-types/nodes.js";
export * from "./api-types/daemonsets.js";
export * from "./api-types/namespaces-events.js";
export * from "./api-types/status.js";
