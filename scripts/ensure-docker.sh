#!/usr/bin/env bash
# Starts a Docker engine on a machine without systemd, once: safe to call from several
# places at the same time (tests, CI, the demo). Installs Debian's docker.io when missing.
set -euo pipefail

if docker version >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-docker: dockerd is not installed; run as root or install docker.io" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io cgroupfs-mount xz-utils >/dev/null
fi

exec 9>/var/run/everynode-ensure-docker.lock
flock 9
if docker version >/dev/null 2>&1; then
  exit 0
fi

if ! mountpoint -q /sys/fs/cgroup 2>/dev/null && command -v cgroupfs-mount >/dev/null; then
  cgroupfs-mount || true
fi
# dockerd refuses to start over a pidfile left by a daemon that died.
if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi

setsid nohup dockerd --host unix:///var/run/docker.sock --pidfile /var/run/docker.pid \
  </dev/null >>/var/log/dockerd.log 2>&1 &

for _ in $(seq 1 100); do
  if docker version >/dev/null 2>&1; then
    echo "ensure-docker: the Docker engine is ready"
    exit 0
  fi
  sleep 0.2
done
echo "ensure-docker: dockerd did not answer within 20 s; see /var/log/dockerd.log" >&2
tail -20 /var/log/dockerd.log >&2 || true
exit 1
