#!/usr/bin/env bash
# Puts Debian's kubectl 1.20 (package kubernetes-client) at /opt/everynode/kubectl-1.20
# without installing the package, which would replace /usr/bin/kubectl. The tests run the
# core tutorial flow with it, as an old client.
set -euo pipefail
target=/opt/everynode/kubectl-1.20
if [ -x "$target" ]; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download kubernetes-client >/dev/null 2>&1) || {
  apt-get update -qq && (cd "$work" && apt-get download kubernetes-client >/dev/null)
}
dpkg-deb -x "$work"/kubernetes-client_*.deb "$work/root"
mkdir -p "$(dirname "$target")"
install -m 0755 "$work/root/usr/bin/kubectl" "$target"
"$target" version --client --short 2>/dev/null || "$target" version --client
