# Shared by every stand-in image (sourced, never run): checks that print what the container
# sees, so that a test reads the pod's spec back from `kubectl logs`, and a tiny HTTP server.
# BusyBox ash only. Normal lines go to stdout as "<name>: <what>"; a failed check prints
# "<name>: FATAL: <why>" on stderr and exits 1, as the real program would refuse to start.

SA_DIR=/var/run/secrets/kubernetes.io/serviceaccount
STANDIN_NAME=${STANDIN_NAME:-stand-in}
STANDIN_LIB=/usr/lib/standin
CHILDREN=""

say() { echo "$STANDIN_NAME: $*"; }
fatal() {
  echo "$STANDIN_NAME: FATAL: $*" >&2
  exit 1
}

need_file() { [ -f "$1" ] || fatal "${2:-file} $1 is missing or not a regular file"; say "file $1 ok (${2:-file})"; }
need_dir() { [ -d "$1" ] || fatal "${2:-directory} $1 is missing or not a directory"; say "dir $1 ok (${2:-directory})"; }
need_env() {
  eval "v=\${$1-__unset__}"
  [ "$v" != "__unset__" ] || fatal "environment variable $1 is not set"
  say "env $1=$v"
}
need_writable_dir() {
  need_dir "$1" "$2"
  probe="$1/.standin-write-probe.$$"
  (: >"$probe") 2>/dev/null || fatal "${2:-directory} $1 is not writable by uid $(id -u)"
  rm -f "$probe"
  say "dir $1 writable"
}

# A literal "$(VAR)" left in an argument means the orchestrator did not expand it.
check_args_expanded() {
  for a in "$@"; do
    case "$a" in *'$('*')'*) fatal "argument not expanded: $a" ;; esac
  done
}

# What the pod spec turned into, as seen from inside: identity, capabilities, root filesystem,
# PID namespace, addresses, DNS and every mount under the given paths.
report_identity() {
  say "argv: $*"
  say "uid=$(id -u) gid=$(id -g) groups=$(id -G | tr ' ' ',')"
  say "hostname=$(hostname)"
  say "capabilities effective=$(awk '/^CapEff/ {print $2}' /proc/self/status) bounding=$(awk '/^CapBnd/ {print $2}' /proc/self/status)"
  say "no_new_privs=$(awk '/^NoNewPrivs/ {print $2}' /proc/self/status) seccomp=$(awk '/^Seccomp:/ {print $2}' /proc/self/status)"
  if (: >/.standin-rootfs-probe) 2>/dev/null; then
    rm -f /.standin-rootfs-probe
    say "rootfs writable"
  else
    say "rootfs read-only"
  fi
  if host_pid_namespace; then say "pid namespace host"; else say "pid namespace own (pid1=$(cat /proc/1/comm))"; fi
  say "addresses=$(ip -o -4 addr show 2>/dev/null | awk '{print $2 "=" $4}' | tr '\n' ' ')"
  say "resolv.conf: $(grep -E '^(nameserver|search|options)' /etc/resolv.conf 2>/dev/null | tr '\n' ';')"
}

# The host's PID namespace shows the container engine's own processes.
host_pid_namespace() { cat /proc/[0-9]*/comm 2>/dev/null | grep -qx -e dockerd -e containerd; }

# mount <path> <ro|rw> propagation=<private|slave|shared> for each of the mount points $@.
report_mounts() {
  for want in "$@"; do
    awk -v want="$want" -v name="$STANDIN_NAME" '
      {
        mp = $5; opts = $6; prop = "private"
        for (i = 7; $i != "-"; i++) {
          if ($i ~ /^shared:/) prop = (prop == "slave") ? "shared+slave" : "shared"
          if ($i ~ /^master:/) prop = (prop == "shared") ? "shared+slave" : "slave"
        }
        rw = (opts ~ /(^|,)ro(,|$)/) ? "ro" : "rw"
        if (mp == want) print name ": mount " mp " " rw " propagation=" prop
      }' /proc/self/mountinfo
  done
}

# Service-account files: "required" makes a missing one fatal (the program needs the API).
report_service_account() {
  for f in token ca.crt namespace; do
    if [ -f "$SA_DIR/$f" ]; then
      say "serviceaccount $f present"
    elif [ "$1" = required ]; then
      fatal "serviceaccount $f missing at $SA_DIR/$f"
    else
      say "serviceaccount $f absent"
    fi
  done
  [ -f "$SA_DIR/namespace" ] && say "serviceaccount namespace=$(cat "$SA_DIR/namespace")"
  say "env KUBERNETES_SERVICE_HOST=${KUBERNETES_SERVICE_HOST:-} KUBERNETES_SERVICE_PORT=${KUBERNETES_SERVICE_PORT:-}"
}

# http_request METHOD URL [CAFILE] [TOKEN]: one HTTP/1.0 request with socat (BusyBox's TLS
# cannot talk to OpenSSL 3 servers); prints the response, headers and body. With CAFILE the
# server's certificate must verify against it, for the host name or address in the URL.
http_request() {
  rest=${2#*://}
  hostport=${rest%%/*}
  path=/${rest#*/}
  [ "$rest" = "$hostport" ] && path=/
  case $2 in
    https://*) port=443; tls=yes ;;
    *) port=80; tls=no ;;
  esac
  case $hostport in
    \[*\]:*) host=${hostport%]:*}; host=${host#[}; port=${hostport##*]:} ;;
    \[*\]) host=${hostport#[}; host=${host%]} ;;
    *:*) host=${hostport%:*}; port=${hostport##*:} ;;
    *) host=$hostport ;;
  esac
  case $host in *:*) addr="[$host]" ;; *) addr=$host ;; esac
  if [ "$tls" = no ]; then
    target="TCP:$addr:$port"
  elif [ -n "$3" ]; then
    target="OPENSSL:$addr:$port,cafile=$3,verify=1"
  else
    target="OPENSSL:$addr:$port,verify=0"
  fi
  {
    printf '%s %s HTTP/1.0\r\nHost: %s\r\nAccept: application/json\r\n' "$1" "$path" "$hostport"
    [ -n "$4" ] && printf 'Authorization: Bearer %s\r\n' "$4"
    printf '\r\n'
  } | timeout 5 socat -t 5 - "$target" 2>/dev/null
}

# api_get PATH [SERVER]: a GET to the API with the pod's service-account token, the server's
# certificate checked against the pod's ca.crt; prints the status and whether TLS verified.
api_get() {
  server=$2
  if [ -z "$server" ]; then
    h=$KUBERNETES_SERVICE_HOST
    case "$h" in *:*) h="[$h]" ;; esac
    server="https://$h:$KUBERNETES_SERVICE_PORT"
  fi
  if [ ! -f "$SA_DIR/token" ] || [ "$server" = "https://:" ]; then
    say "api GET $1 -> skipped (no token or no API address)"
    return 1
  fi
  token=$(cat "$SA_DIR/token")
  API_BODY=$(http_request GET "$server$1" "$SA_DIR/ca.crt" "$token")
  verified="certificate verified with ca.crt"
  if [ -z "$API_BODY" ]; then
    API_BODY=$(http_request GET "$server$1" "" "$token")
    verified="certificate NOT verified with ca.crt"
  fi
  status=$(printf '%s\n' "$API_BODY" | head -n 1 | awk '{print $2}')
  [ -n "$status" ] || verified="no answer"
  say "api GET $1 -> ${status:--} ($verified)"
  API_BODY=$(printf '%s\n' "$API_BODY" | tr -d '\r' | sed '1,/^$/d')
  [ "$status" = 200 ]
}

# probe_url URL: whether an outside service (Elasticsearch, Loki) answers at the address given.
probe_url() {
  status=$(http_request GET "$1" | head -n 1 | awk '{print $2}')
  if [ -n "$status" ]; then
    say "output $1 reachable (HTTP $status)"
  else
    say "output $1 unreachable"
  fi
}

# serve_http PORT ROUTES: answers HTTP on PORT; ROUTES is run with the path and prints the body
# (exit 0: 200, 3: 503, 4: 404).
serve_http() {
  nc -ll -p "$1" -e "$STANDIN_LIB/http-handler" "$2" &
  CHILDREN="$CHILDREN $!"
  say "serving http on :$1"
}

start_child() {
  "$@" &
  CHILDREN="$CHILDREN $!"
}

# Runs until SIGTERM or SIGINT, calling the optional function $2 every $1 seconds.
run_until_term() {
  trap 'say "signal received, stopping"; kill $CHILDREN 2>/dev/null; exit 0' TERM INT
  say "running"
  while :; do
    sleep "${1:-3600}" &
    wait $!
    [ -n "$2" ] && "$2"
  done
}
