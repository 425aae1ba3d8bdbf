#!/usr/bin/env bash
# start.sh [WORKDIR] — create the daneel-hier network namespace and start NSD (root, and the rest), BIND, Knot, the
# silent listener and Unbound inside it, in the foreground, as root, reading WORKDIR (made by
# build.sh). PIDs go to WORKDIR/pids ("NAME PID" lines); logs to WORKDIR/logs. Returns once every
# server answers. A stale namespace or stale PIDs from an earlier run are cleaned first.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
WORKDIR=$(realpath -m "${1:-$DEFAULT_WORKDIR}")
[ -f "$WORKDIR/.daneel-hier" ] && [ -f "$WORKDIR/unbound.conf" ] || { echo "run build.sh $WORKDIR first" >&2; exit 2; }

"$HERE/stop.sh" "$WORKDIR" >/dev/null

ip netns add "$NETNS"
in_netns ip link set lo up
# BIND listens only on addresses configured on an interface (TESTING-NOTES); add them all so every
# server binds a real interface address
for addr in "$ADDR_ROOT_A" "$ADDR_ROOT_B" "$ADDR_NSD" "$ADDR_BIND" "$ADDR_KNOT" "$ADDR_UNBOUND" "$ADDR_SILENT"; do
  in_netns ip addr add "$addr/32" dev lo
done
# IPv6 inside the namespace only (lo also has ::1 once up); nodad: usable at once, lo needs no duplicate detection
in_netns ip addr add "$ADDR_NSD6/64" dev lo nodad

mkdir -p "$WORKDIR/logs"
: >"$WORKDIR/pids"

# launch NAME CMD... -> start CMD inside the namespace, detached from our stdio, record its PID.
# `ip netns exec` execs CMD in place, so $! is the daemon's own PID.
launch() {
  local name=$1; shift
  setsid ip netns exec "$NETNS" "$@" </dev/null >"$WORKDIR/logs/$name.log" 2>&1 &
  echo "$name $!" >>"$WORKDIR/pids"
}

# the root's dnstap reader must listen before NSD connects (NSD retries only after a back-off)
launch dnstap node "$HERE/dnstap-collector.mjs" "$WORKDIR/root-dnstap.sock" "$WORKDIR/logs/root-queries.log"
deadline=$((SECONDS + 10))
until [ -S "$WORKDIR/root-dnstap.sock" ]; do
  [ $SECONDS -lt $deadline ] || { echo "dnstap collector did not listen on $WORKDIR/root-dnstap.sock" >&2; exit 1; }
  sleep 0.1
done
launch nsd-root nsd -d -c "$WORKDIR/nsd-root.conf"
launch nsd nsd -d -c "$WORKDIR/nsd.conf"
launch nsd6 nsd -d -c "$WORKDIR/nsd6.conf"
launch named named -g -c "$WORKDIR/named.conf"
launch knotd knotd -c "$WORKDIR/knot.conf"
launch silent node "$HERE/silent.mjs" "$ADDR_SILENT" 53

# wait_for NAME ADDR QNAME -> poll with dig until ADDR answers QNAME SOA (not REFUSED/SERVFAIL)
wait_for() {
  local name=$1 addr=$2 qname=$3 deadline=$((SECONDS + 30)) pid
  pid=$(awk -v n="$name" '$1 == n { print $2 }' "$WORKDIR/pids")
  until in_netns dig +norec +time=1 +tries=1 "@$addr" "$qname" SOA 2>/dev/null | grep -q 'status: NOERROR'; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited during start-up; log:" >&2; tail -20 "$WORKDIR/logs/$name.log" >&2; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then echo "$name did not answer at $addr within 30 s" >&2; exit 1; fi
    sleep 0.2
  done
}

wait_for nsd-root "$ADDR_ROOT_A" .
wait_for nsd-root "$ADDR_ROOT_B" .
wait_for nsd "$ADDR_NSD" fr.
wait_for nsd6 "$ADDR_NSD6" v6only.example.
wait_for named "$ADDR_BIND" lab.
wait_for knotd "$ADDR_KNOT" example.
# the silent listener cannot be polled with dig (it never answers): wait until its sockets are bound
deadline=$((SECONDS + 10))
until [ "$(in_netns ss -Hlnut "src $ADDR_SILENT:53" | wc -l)" -ge 2 ]; do
  [ $SECONDS -lt $deadline ] || { echo "silent listener did not bind $ADDR_SILENT:53" >&2; exit 1; }
  sleep 0.1
done

# Unbound last: the authorities must be up before the first priming query
launch unbound unbound -d -c "$WORKDIR/unbound.conf"
deadline=$((SECONDS + 30))
until in_netns dig +time=2 +tries=1 "@$ADDR_UNBOUND" . SOA 2>/dev/null | grep -q 'flags:.* ad[ ;]'; do
  if ! kill -0 "$(awk '$1 == "unbound" { print $2 }' "$WORKDIR/pids")" 2>/dev/null; then
    echo "unbound exited during start-up; log:" >&2; tail -20 "$WORKDIR/logs/unbound.log" >&2; exit 1
  fi
  [ $SECONDS -lt $deadline ] || { echo "unbound did not validate the root SOA within 30 s" >&2; exit 1; }
  sleep 0.2
done
echo "hierarchy up in netns $NETNS (unbound at $ADDR_UNBOUND)"
