#!/usr/bin/env bash
# Builds the stand-in images for the upstream DaemonSet manifests of test/fixtures/upstream,
# without any registry. A base image is imported from a root filesystem: Debian's static
# busybox, Debian's socat with the libraries `ldd` lists (BusyBox's own TLS cannot talk to
# OpenSSL 3 servers such as everynode's API) and the shared stand-in scripts
# (test/stand-ins/common). Each stand-in is then a classic `docker build` FROM that base (ARG
# BASE) adding test/stand-ins/<name>/rootfs; node-exporter adds Debian's real
# prometheus-node-exporter. Tags: everynode-upstream/<name>:test (EVERYNODE_UPSTREAM_PREFIX).
# An image whose inputs did not change is kept (label everynode.stand-in.inputs).
# Usage: scripts/build-upstream-images.sh [NAME ...]   (default: all; prints each tag)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/test/stand-ins
prefix=${EVERYNODE_UPSTREAM_PREFIX:-everynode-upstream}
self_hash=$(sha256sum "$0" | cut -c1-16)

# name|ENTRYPOINT|CMD|USER|WORKDIR: the upstream images' own, so that a manifest giving only
# `args` (node-exporter, kube-rbac-proxy, Vector, Promtail, Filebeat) or nothing (Fluent Bit,
# fluentd) runs what it runs upstream.
specs=(
  'fluentd-elasticsearch||["/run.sh"]||'
  'fluent-bit||["/fluent-bit/bin/fluent-bit","-c","/fluent-bit/etc/fluent-bit.conf"]||'
  'filebeat|["/usr/local/bin/docker-entrypoint"]|["-environment","container"]|1000|/usr/share/filebeat'
  'promtail|["/usr/bin/promtail"]|["-config.file=/etc/promtail/config.yml"]||'
  'vector|["/usr/bin/vector"]|||'
  'node-exporter|["/bin/node_exporter"]||65534|'
  'kube-rbac-proxy|["/usr/local/bin/kube-rbac-proxy"]||65532|'
  'kube-proxy||["/usr/local/bin/kube-proxy"]||'
  'flannel|["/opt/bin/flanneld"]|||'
  'flannel-cni-plugin||["/bin/sh"]||'
  'kured|["/usr/bin/kured"]|||'
  'node-problem-detector|["/node-problem-detector"]|||'
)

install_debian() {
  if [ "$(id -u)" != 0 ]; then
    echo "build-upstream-images: needs Debian's $* (not installed, and not root)" >&2
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

busybox_bin() {
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && "$b" --list >/dev/null 2>&1 && ! ldd "$b" >/dev/null 2>&1; then
      echo "$b"
      return 0
    fi
  done
  install_debian busybox-static >&2 && echo /bin/busybox
}

# The path of a Debian program, its package installed on first use.
debian_program() {
  command -v "$1" >/dev/null 2>&1 || install_debian "$2" >&2
  command -v "$1"
}

# copy_with_libs BINARY ROOTFS TARGET: the binary at TARGET and each library it loads at its path.
copy_with_libs() {
  local lib
  mkdir -p "$2$(dirname "$3")"
  cp -L "$1" "$2$3"
  for lib in $(ldd "$1" | grep -o '/[^ ]*' | sort -u); do
    mkdir -p "$2$(dirname "$lib")"
    cp -L "$lib" "$2$lib"
  done
}

current_hash() { docker image inspect -f '{{index .Config.Labels "everynode.stand-in.inputs"}}' "$1" 2>/dev/null || true; }

files_hash() { # a digest of the named folders of test/stand-ins and of any extra file given
  local dirs=() d
  for d in "$@"; do [ -e "$src/$d" ] && dirs+=("$d"); done
  { (cd "$src" && find "${dirs[@]}" -type f -printf '%p %m\n' | sort && find "${dirs[@]}" -type f | sort | xargs sha256sum); echo "$self_hash"; } |
    sha256sum | cut -c1-16
}

build_base() {
  local tag="$prefix/base:test" bb socat hash dir applet
  bb=$(busybox_bin)
  socat=$(debian_program socat socat)
  hash=$(files_hash common)-$(sha256sum "$bb" "$socat" | sha256sum | cut -c1-8)
  if [ "$(current_hash "$tag")" = "$hash" ]; then echo "$tag"; return 0; fi
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/var/run" "$dir/usr/lib/standin"
  chmod 1777 "$dir/tmp"
  cp "$bb" "$dir/bin/busybox"
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  copy_with_libs "$socat" "$dir" /usr/bin/socat
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'filebeat:x:1000:1000:filebeat:/usr/share/filebeat:/bin/sh' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/false' 'nobody:x:65534:65534:nobody:/:/bin/false' >"$dir/etc/passwd"
  printf '%s\n' 'root:x:0:' 'filebeat:x:1000:' 'nonroot:x:65532:' 'nobody:x:65534:' >"$dir/etc/group"
  cp "$src/common/lib.sh" "$src/common/ship.awk" "$src/common/http-handler" "$src/common/ship.sh" "$dir/usr/lib/standin/"
  chmod 755 "$dir/usr/lib/standin/http-handler" "$dir/usr/lib/standin/ship.sh"
  tar --numeric-owner -C "$dir" -c . | docker import --change "ENV PATH=/usr/local/bin:/usr/bin:/bin" \
    --change "LABEL everynode.stand-in.inputs=$hash" - "$tag" >/dev/null
  rm -rf "$dir"
  echo "$tag"
}

build() {
  local name entrypoint cmd user workdir tag hash ctx base=$1
  IFS='|' read -r name entrypoint cmd user workdir <<<"$2"
  tag="$prefix/$name:test"
  hash=$(files_hash "$name")-$(docker image inspect -f '{{.Id}}' "$base" | cut -c8-15)
  [ "$name" = node-exporter ] && hash=$hash-$(sha256sum "$(debian_program prometheus-node-exporter prometheus-node-exporter)" | cut -c1-8)
  if [ "$(current_hash "$tag")" = "$hash" ]; then echo "$tag"; return 0; fi
  ctx=$(mktemp -d)
  mkdir -p "$ctx/rootfs"
  [ -d "$src/$name/rootfs" ] && cp -a "$src/$name/rootfs/." "$ctx/rootfs/"
  {
    echo "ARG BASE=$base"
    echo 'FROM $BASE'
    echo 'COPY rootfs/ /'
  } >"$ctx/Dockerfile"
  case $name in
    node-exporter)
      copy_with_libs "$(debian_program prometheus-node-exporter prometheus-node-exporter)" "$ctx/rootfs" /bin/node_exporter
      ;;
    kube-rbac-proxy)
      # The real proxy makes a self-signed certificate in memory; a read-only root filesystem
      # leaves the stand-in nowhere to write one, so the image carries one (a test key only).
      mkdir -p "$ctx/rootfs/etc/kube-rbac-proxy"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj "/CN=kube-rbac-proxy stand-in" -keyout "$ctx/tls.key" -out "$ctx/rootfs/etc/kube-rbac-proxy/tls.crt" 2>/dev/null
      echo 'COPY --chown=65532:65532 tls.key /etc/kube-rbac-proxy/tls.key' >>"$ctx/Dockerfile"
      ;;
  esac
  {
    [ -n "$entrypoint" ] && echo "ENTRYPOINT $entrypoint"
    [ -n "$cmd" ] && echo "CMD $cmd"
    [ -n "$user" ] && echo "USER $user"
    [ -n "$workdir" ] && echo "WORKDIR $workdir"
    echo "LABEL everynode.stand-in.inputs=$hash everynode.stand-in.for=$name"
  } >>"$ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" -t "$tag" "$ctx" >/dev/null 2>"$ctx/err" ||
    { cat "$ctx/err" >&2; rm -rf "$ctx"; return 1; }
  rm -rf "$ctx"
  echo "$tag"
}

base=$(build_base)
echo "$base"
for spec in "${specs[@]}"; do
  name=${spec%%|*}
  if [ $# -eq 0 ] || [[ " $* " == *" $name "* ]]; then
    build "$base" "$spec"
  fi
done
