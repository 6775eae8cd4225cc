"""Drives everynode with Debian's official Python client (python3-kubernetes): list, create,
watch, patch, read status, delete. Prints one JSON document of what it saw for the test to
judge; any exception fails the script (exit 1, traceback on stderr)."""

import json
import sys

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()
seen = {}

# list
seen["nodes"] = [n.metadata.name for n in core.list_node().items]
seen["namespaces"] = sorted(n.metadata.name for n in core.list_namespace().items)

# create: a namespace, and a DaemonSet in it (typed models: required fields must be there)
ns = core.create_namespace(
    client.V1Namespace(metadata=client.V1ObjectMeta(name="py-client", labels={"made-by": "python"}))
)
seen["created"] = {"name": ns.metadata.name, "uid": ns.metadata.uid, "phase": ns.status.phase}
ds = apps.create_namespaced_daemon_set(
    "py-client",
    client.V1DaemonSet(
        metadata=client.V1ObjectMeta(name="agent"),
        spec=client.V1DaemonSetSpec(
            selector=client.V1LabelSelector(match_labels={"app": "agent"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "agent"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="agent", image="busybox")]),
            ),
        ),
    ),
)
seen["daemonset"] = {"generation": ds.metadata.generation, "strategy": ds.spec.update_strategy.type}

# watch: from the creation's resourceVersion, so the first patch is replayed; the second
# patch is made while the watch is open, so its event arrives live
core.patch_namespace("py-client", [{"op": "add", "path": "/metadata/labels/step", "value": "1"}])
events = []
w = watch.Watch()
for event in w.stream(
    core.list_namespace,
    label_selector="made-by=python",
    resource_version=ns.metadata.resource_version,
    timeout_seconds=60,
):
    obj = event["object"]
    events.append({"type": event["type"], "step": (obj.metadata.labels or {}).get("step")})
    if len(events) == 1:
        # patch (a JSON patch: the content type python3-kubernetes 22 sends for every patch)
        core.patch_namespace("py-client", [{"op": "replace", "path": "/metadata/labels/step", "value": "2"}])
    else:
        w.stop()
seen["events"] = events

# read status
status = core.read_namespace_status("py-client")
seen["status"] = {"phase": status.status.phase, "labels": status.metadata.labels}
ds_status = apps.read_namespaced_daemon_set_status("agent", "py-client")
seen["daemonsetStatus"] = {
    "desired": ds_status.status.desired_number_scheduled,
    "ready": ds_status.status.number_ready,
}

# delete
apps.delete_namespaced_daemon_set("agent", "py-client")
deleted = core.delete_namespace("py-client")
seen["deleted"] = deleted.to_dict().get("kind") if hasattr(deleted, "to_dict") else str(type(deleted))
try:
    apps.read_namespaced_daemon_set("agent", "py-client")
    seen["afterDelete"] = "still there"
except client.exceptions.ApiException as e:
    seen["afterDelete"] = e.status

print(json.dumps(seen))
