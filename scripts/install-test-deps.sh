#!/usr/bin/env bash
# Everything the test suite needs beyond npm, from Debian's packages: the Docker engine
# (started), docker-compose for the demo, iproute2/iptables for the network-namespace hosts,
# a static busybox for the offline images, Chromium for the dashboard's browser tests (driven
# by playwright-core, which downloads no browser of its own), prometheus (promtool checks
# /metrics, the server scrapes a test cluster), python3-kubernetes (the official Python
# client's test), socat (the upstream run's relays into its own host), and kubectl 1.20 as an
# old client. Idempotent: installs only what is
# missing, so `npm test` can call it on every run.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in docker.io cgroupfs-mount xz-utils docker-compose busybox-static iproute2 iptables ca-certificates \
  chromium prometheus python3-kubernetes docker-registry apache2-utils socat; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-test-deps: missing Debian packages: ${need[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
scripts/ensure-docker.sh
scripts/install-kubectl-1.20.sh >/dev/null
