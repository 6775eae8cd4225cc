# One CRI log line in, one shipped line out (see ship.sh). Lines that are themselves the output
# of a shipper are dropped, so that two shippers on one node do not feed each other forever.
function jesc(s) {
  gsub(/\\/, "\\\\", s)
  gsub(/"/, "\\\"", s)
  gsub(/\t/, "\\t", s)
  gsub(/\r/, "\\r", s)
  return s
}
{
  t = $1; stream = $2; tag = $3
  if ((stream != "stdout" && stream != "stderr") || (tag != "P" && tag != "F")) {
    t = "-"; stream = "unknown"; msg = $0          # not CRI: shipped whole
  } else {
    msg = substr($0, length(t) + length(stream) + length(tag) + 4)
    if (tag == "P") { partial = partial msg; next }
    msg = partial msg; partial = ""
  }
  if (index(msg, ": shipped ") || index(msg, "\"source_type\":\"kubernetes_logs\"")) next
  if (format == "json")
    printf "{\"file\":\"%s\",\"kubernetes\":{\"container_name\":\"%s\",\"pod_name\":\"%s\",\"pod_namespace\":\"%s\",\"pod_uid\":\"%s\"},\"message\":\"%s\",\"source_type\":\"kubernetes_logs\",\"stream\":\"%s\",\"timestamp\":\"%s\"}\n", jesc(file), jesc(container), jesc(pod), jesc(ns), jesc(uid), jesc(msg), stream, t
  else
    print name ": shipped namespace=" ns " pod=" pod " container=" container " stream=" stream " time=" t " log=" msg
  fflush()
}
