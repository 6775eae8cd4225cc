#!/usr/bin/env bash
# Builds the workload images the tests and the demo run, without any registry:
#   everynode/web:test  a 2 MB busybox image serving HTTP on port 80 (the stand-in for nginx)
# Prints each image's tag as it is ready. Does nothing for an image that already exists.
set -euo pipefail

busybox_bin() {
  for b in /bin/busybox /usr/bin/busybox; do
    if [ -x "$b" ] && "$b" --list >/dev/null 2>&1 && ! ldd "$b" >/dev/null 2>&1; then
      echo "$b"; return 0
    fi
  done
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
    echo /bin/busybox; return 0
  fi
  echo "build-test-images: needs a static busybox (Debian: busybox-static)" >&2
  return 1
}

build_web() {
  local tag=$1
  if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; return 0; fi
  local bb dir
  bb=$(busybox_bin)
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/etc" "$dir/www" "$dir/tmp"
  cp "$bb" "$dir/bin/busybox"
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/etc/group"
  printf '<!DOCTYPE html>\n<title>Welcome to everynode</title>\n<h1>Welcome to everynode!</h1>\n' >"$dir/www/index.html"
  tar -C "$dir" -c . | docker import \
    --change 'CMD ["httpd","-f","-v","-p","80","-h","/www"]' \
    --change 'EXPOSE 80' \
    --change 'ENV PATH=/bin' - "$tag" >/dev/null
  rm -rf "$dir"
  echo "$tag"
}

build_web "${EVERYNODE_TEST_IMAGE:-everynode/web:test}"
