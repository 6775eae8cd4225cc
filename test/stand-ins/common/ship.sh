#!/bin/sh
# The log-shipper core of the stand-ins: follows the kubelet's log layout and prints one line per
# log line, with namespace, pod and container parsed from the file's name alone:
#   containers  /var/log/containers/<pod>_<namespace>_<container>-<container id>.log
#   pods        /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restart count>.log
# Lines are in the CRI format ("<RFC3339Nano time> <stdout|stderr> <P|F> <message>"); partial
# (P) lines are joined with the next. Usage: ship.sh containers|pods 'GLOB ...' kv|json NAME
# Environment: SHIP_REFRESH_SECONDS (how often new files are looked for, default 2),
# SHIP_EXCLUDE_POD (a pod whose files are skipped, e.g. the shipper's own).
layout=$1 globs=$2 format=$3 name=$4
refresh=${SHIP_REFRESH_SECONDS:-2}
lib=/usr/lib/standin
seen=" "
children=""
trap 'kill $children 2>/dev/null; exit 0' TERM INT

# The container's own id, from the hostname file Docker mounts: its own files are never shipped.
self_id=$(sed -n 's#.*/containers/\([0-9a-f]\{64\}\)/hostname .*#\1#p' /proc/self/mountinfo | head -n 1)

parse() { # prints "<namespace> <pod> <container> <id or uid> <restart>" or nothing
  case $layout in
    containers) basename "$1" | sed -nE 's/^([^_]+)_([^_]+)_(.+)-([0-9A-Za-z]+)\.log$/\2 \1 \3 \4 -/p' ;;
    pods) echo "$1" | sed -nE 's#^.*/([^_/]+)_([^_/]+)_([^_/]+)/([^/]+)/([0-9]+)\.log$#\1 \2 \4 \3 \5#p' ;;
  esac
}

while :; do
  for f in $globs; do
    [ -e "$f" ] || continue
    case "$seen" in *" $f "*) continue ;; esac
    seen="$seen$f "
    fields=$(parse "$f")
    if [ -z "$fields" ]; then
      echo "$name: skipping $f (its name is not in the kubelet layout)"
      continue
    fi
    set -- $fields
    if [ -n "$self_id" ] && [ "$4" = "$self_id" ] || [ -n "$SHIP_EXCLUDE_POD" ] && [ "$2" = "$SHIP_EXCLUDE_POD" ]; then
      echo "$name: skipping $f (this shipper's own log)"
      continue
    fi
    echo "$name: following $f namespace=$1 pod=$2 container=$3"
    tail -n +1 -F "$f" 2>/dev/null | awk -v name="$name" -v format="$format" -v file="$f" \
      -v ns="$1" -v pod="$2" -v container="$3" -v uid="$4" -f "$lib/ship.awk" &
    children="$children $!"
  done
  sleep "$refresh" &
  wait $!
done
