#!/usr/bin/env bash
# How long a new host takes to run its DaemonSet pod: from `everynode agent` starting (join,
# registration, connect) to its container running on the real Docker daemon, and to the pod
# showing Running in the API. Five agents join one after another on loopback; the medians
# go to bench/results/join.json, next to the Docker Swarm baseline measured on the same
# kind of machine (a global service's task running after a median 549 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli/main.js ] || npm run build >/dev/null
scripts/ensure-docker.sh >/dev/null
image=$(scripts/build-test-images.sh | tail -1)

work=$(mktemp -d)
port=${BENCH_PORT:-16611}
agents=${BENCH_AGENTS:-5}
cleanup() {
  pkill -f -- "--data-dir $work/" 2>/dev/null || true
  sleep 0.5
  ids=$(docker ps -aq --filter "label=io.everynode.daemonset=bench-join")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

./bin/everynode server --data-dir "$work/server" --listen "127.0.0.1:$port" --no-agent >"$work/server.log" 2>&1 &
for _ in $(seq 1 100); do [ -f "$work/server/join-token" ] && break; sleep 0.1; done
export KUBECONFIG=$work/server/kubeconfig.yaml
cat <<YAML | ./bin/everynode apply -f - >/dev/null
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: bench-join
spec:
  selector:
    matchLabels: {app: bench-join}
  template:
    metadata:
      labels: {app: bench-join}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: web
        image: $image
YAML

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
running=()
api=()
for i in $(seq 1 "$agents"); do
  t0=$(now_ms)
  ./bin/everynode agent --server "https://127.0.0.1:$port" --token "$(cat "$work/server/join-token")" \
    --name "bench-join-$i" --data-dir "$work/agent-$i" >"$work/agent-$i.log" 2>&1 &
  until docker ps -q --filter "label=io.everynode.node=bench-join-$i" --filter status=running | grep -q .; do sleep 0.02; done
  running+=($(( $(now_ms) - t0 )))
  until ./bin/everynode get pods --field-selector "spec.nodeName=bench-join-$i,status.phase=Running" --no-headers 2>/dev/null | grep -q .; do sleep 0.02; done
  api+=($(( $(now_ms) - t0 )))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_run=$(median "${running[@]}")
m_api=$(median "${api[@]}")
mkdir -p bench/results
cat >bench/results/join.json <<JSON
{
  "agents": $agents,
  "containerRunningMs": [$(IFS=,; echo "${running[*]}")],
  "podRunningInApiMs": [$(IFS=,; echo "${api[*]}")],
  "containerRunningMedianMs": $m_run,
  "podRunningInApiMedianMs": $m_api,
  "swarmGlobalTaskRunningMedianMs": 549,
  "ratioToSwarm": $(awk -v a="$m_run" 'BEGIN {printf "%.2f", a / 549}')
}
JSON
echo "join → container running: median ${m_run} ms (${running[*]}); pod Running in the API: median ${m_api} ms"
echo "Docker Swarm global service baseline: 549 ms; ratio $(awk -v a="$m_run" 'BEGIN {printf "%.2f", a / 549}')"
echo "written to bench/results/join.json"
