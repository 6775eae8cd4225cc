#!/usr/bin/env bash
# Builds a Node.js 20 base image without any registry, from this machine's own node and npm,
# for machines that cannot pull node:20-bookworm-slim. Prints the image's tag as its last line:
#   EVERYNODE_BASE_IMAGE=$(scripts/build-offline-base-image.sh | tail -1) docker-compose up -d --build
set -euo pipefail

tag=${EVERYNODE_OFFLINE_BASE_TAG:-everynode/node-base:20-offline}
if docker image inspect "$tag" >/dev/null 2>&1 && [ "${REBUILD:-}" != 1 ]; then
  echo "build-offline-base-image: $tag exists (REBUILD=1 makes it again)" >&2
  echo "$tag"
  exit 0
fi

node_bin=$(command -v node)
npm_dir=$(npm root -g)/npm
[ -d "$npm_dir" ] || { echo "build-offline-base-image: npm not found at $npm_dir" >&2; exit 1; }
busybox=""
for b in /bin/busybox /usr/bin/busybox; do
  if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then busybox=$b; break; fi
done
if [ -z "$busybox" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
  busybox=/bin/busybox
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,usr/bin,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,tmp,app,root,data}
chmod 1777 "$root/tmp"

# node and the shared libraries it loads, at the same paths.
cp "$node_bin" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# busybox gives /bin/sh and the usual tools (RUN steps need them); env for shebangs.
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
ln -sf /bin/busybox "$root/usr/bin/env"

printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'WORKDIR /app' \
  --change 'CMD ["node"]' - "$tag" >/dev/null
docker run --rm "$tag" node -e 'process.stdout.write("build-offline-base-image: node " + process.version + " runs\n")' >&2
echo "$tag"
