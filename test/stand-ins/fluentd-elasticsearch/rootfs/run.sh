#!/bin/sh
# Stand-in for the fluentd-elasticsearch image's /run.sh (not fluentd): like the image's built-in
# configuration it reads /var/log/containers/*.log with position files under /var/log, and sends
# to Elasticsearch at $OUTPUT_HOST:$OUTPUT_PORT (default elasticsearch-logging:9200). It
# prints each log line it reads, with the pod and namespace taken from the file's name.
STANDIN_NAME=fluentd
. /usr/lib/standin/lib.sh
report_identity "$@"
need_writable_dir /var/log "log directory (position files)"
: >>/var/log/fluentd-containers.log.pos || fatal "cannot write the position file"
report_mounts /var/log /var/lib/docker/containers
host=${OUTPUT_HOST:-elasticsearch-logging}
port=${OUTPUT_PORT:-9200}
say "output elasticsearch $host:$port"
probe_url "http://$host:$port/"
start_child /usr/lib/standin/ship.sh containers '/var/log/containers/*.log' kv fluentd
run_until_term
