#!/usr/bin/env bash
# `npm test` after the build: the unit tests (CPU-bound, files in parallel) run beside the
# integration tests (real processes and Docker, one file after another, mostly waiting), so
# the suite takes about as long as the integration files alone instead of both one after
# the other. The integration run prints as it goes; the unit run's report follows it, and a
# unit failure is announced as soon as it is known. Arguments go to both runs (a file
# filter, -t NAME, ...); a run whose project has no file matching them passes.
set -uo pipefail
cd "$(dirname "$0")/.."

unit_log=$(mktemp)
trap 'rm -f "$unit_log"' EXIT

(
  npx vitest run --project unit --passWithNoTests --color "$@" >"$unit_log" 2>&1
  status=$?
  [ "$status" = 0 ] || echo "*** the unit tests failed (exit $status); their report follows the integration run's"
  exit "$status"
) &
unit_pid=$!

npx vitest run --project integration --passWithNoTests "$@"
integration=$?
unit=0
wait "$unit_pid" || unit=$?

echo
echo "--- the unit tests' report"
cat "$unit_log"
echo "--- npm test: integration exit ${integration}, unit exit ${unit}"
[ "$integration" = 0 ] && [ "$unit" = 0 ]
