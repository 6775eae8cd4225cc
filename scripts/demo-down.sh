#!/usr/bin/env bash
# Takes the compose demo down with nothing left behind: deletes every DaemonSet (so the agents
# stop and remove their pods' containers), then the compose services, networks and volumes,
# then any pod container an agent could not remove in time.
set -euo pipefail
cd "$(dirname "$0")/.."
compose=${COMPOSE:-docker-compose}
command -v "$compose" >/dev/null 2>&1 || compose="docker compose"
data=${EVERYNODE_DATA_DIR:-./.everynode}

if [ -f "$data/kubeconfig.yaml" ] && $compose ps -q control-plane 2>/dev/null | grep -q .; then
  $compose exec -T control-plane everynode --kubeconfig /data/kubeconfig.yaml --server https://127.0.0.1:6443 delete daemonsets --all --all-namespaces --wait=true --timeout=60s || true
fi
$compose down -v --remove-orphans
for node in master worker-1 worker-2; do
  ids=$(docker ps -aq --filter "label=io.everynode.node=$node")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
done
echo "demo-down: the demo is down"
