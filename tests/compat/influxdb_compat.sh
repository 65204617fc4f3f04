#!/usr/bin/env bash
# Opt-in differential harness against a real InfluxDB 1.x server: starts
# influxd on a temporary directory and free localhost ports (no reporting,
# no UDP/Graphite, no continuous queries), then influxdb_compat.py writes
# the same line protocol to it and to `strata` and compares the /query JSON
# of a few hundred InfluxQL statements.
#
#   tests/compat/influxdb_compat.sh [STRATA_BINARY] [-- --verbose]
#
# STRATA_BINARY defaults to build-compat/src/cli/strata, then build/src/cli/
# strata. Needs influxd (Debian: apt-get install influxdb), python3. Exit 0:
# no differences; 1: differences (listed); 77: prerequisites missing (the
# CTest entry reports a skip).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

harness=influxdb_compat
. "$here/strata_binary.sh"
for tool in influxd python3 curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "influxdb_compat: $tool not found (apt-get install influxdb curl)" >&2
    exit 77
  fi
done

work="$(mktemp -d /tmp/influxdb-compat.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  if [ -z "${KEEP_WORK:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# Two free ports (HTTP and the backup RPC bind address).
read -r http_port rpc_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

cat >"$work/influxdb.conf" <<EOF
reporting-enabled = false
bind-address = "127.0.0.1:$rpc_port"
[meta]
  dir = "$work/influx/meta"
[data]
  dir = "$work/influx/data"
  wal-dir = "$work/influx/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$http_port"
  log-enabled = false
[continuous_queries]
  enabled = false
EOF

influxd -config "$work/influxdb.conf" >"$work/influxd.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$http_port/ping" >/dev/null; then break; fi
  sleep 0.2
done
if ! curl -sf "http://127.0.0.1:$http_port/ping" >/dev/null; then
  echo "influxdb_compat: influxd did not start:" >&2
  tail -20 "$work/influxd.log" >&2
  exit 77
fi
version="$(curl -sI "http://127.0.0.1:$http_port/ping" |
  tr -d '\r' | sed -n 's/^X-Influxdb-Version: //p')"
echo "influxdb_compat: InfluxDB $version, strata $strata, work $work"

python3 "$here/influxdb_compat.py" --url "http://127.0.0.1:$http_port" \
  --strata "$strata" --work "$work" "$@"
