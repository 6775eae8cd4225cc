#!/usr/bin/env bash
# `npm test` after the build, in two lanes on a 2-core machine:
# - the integration files that run agents on Docker, one after another (they mostly wait on
#   the engine), printed as they go;
# - beside them, the unit tests (CPU-bound, files in parallel), then the integration files
#   that start no agent and call no Docker (vitest.config.ts, WITHOUT_DOCKER), one after
#   another. This lane's report follows the Docker lane's; a failure in it is announced as
#   soon as it is known. It runs at a lower CPU priority (nice 10): the Docker files wait on
#   timers, containers and agents, and got slower sharing the cores evenly (one CI run: 908 s
#   against 781 s for the same files).
# The suite takes about as long as the Docker files alone. Arguments go to every run (a file
# filter, -t NAME, ...); a run whose project has no file matching them passes.
set -uo pipefail
cd "$(dirname "$0")/.."

# Once, before the lanes start: the Debian packages both need (idempotent, quick when present).
scripts/install-test-deps.sh || exit

side_log=$(mktemp)
trap 'rm -f "$side_log"' EXIT

(
  status=0
  for project in unit integration-no-docker; do
    echo "--- $project" >>"$side_log"
    nice -n 10 npx vitest run --project "$project" --passWithNoTests --color "$@" >>"$side_log" 2>&1
    s=$?
    if [ "$s" != 0 ]; then
      echo "*** $project failed (exit $s); its report follows the Docker run's"
      status=$s
    fi
  done
  exit "$status"
) &
side_pid=$!

npx vitest run --project integration --passWithNoTests "$@"
integration=$?
side=0
wait "$side_pid" || side=$?

echo
echo "--- the unit tests' and the integration tests' without Docker report"
cat "$side_log"
echo "--- npm test: integration (Docker) exit ${integration}, unit and integration without Docker exit ${side}"
[ "$integration" = 0 ] && [ "$side" = 0 ]
