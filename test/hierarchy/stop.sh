#!/usr/bin/env bash
# stop.sh [WORKDIR] — stop exactly the processes start.sh recorded in WORKDIR/pids, then delete the
# daneel-hier namespace (and with it the addresses start.sh added). Safe to run when nothing runs.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
WORKDIR=$(realpath -m "${1:-$DEFAULT_WORKDIR}")

# expected_command NAME -> the program a recorded PID must still be running (guards PID reuse)
expected_command() {
  case "$1" in
    nsd|nsd-root|nsd6) echo nsd ;; named) echo named ;; knotd) echo knotd ;; unbound) echo unbound ;; silent|dnstap) echo node ;;
  esac
}

# still_ours NAME PID -> true when PID is alive and still runs NAME's program
still_ours() {
  local exe
  exe=$(readlink "/proc/$2/exe" 2>/dev/null) || return 1
  [ "$(basename "$exe")" = "$(expected_command "$1")" ]
}

if [ -f "$WORKDIR/pids" ]; then
  stopping=()
  while read -r name pid; do
    [ -n "${pid:-}" ] || continue
    if still_ours "$name" "$pid"; then kill -TERM "$pid" 2>/dev/null && stopping+=("$name:$pid"); fi
  done <"$WORKDIR/pids"
  deadline=$((SECONDS + 10))
  for entry in "${stopping[@]}"; do
    name=${entry%%:*}; pid=${entry##*:}
    while still_ours "$name" "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if still_ours "$name" "$pid"; then echo "$name ($pid) ignored SIGTERM; killing" >&2; kill -KILL "$pid"; fi
  done
  rm -f "$WORKDIR/pids"
fi

if ip netns list | grep -qw "^$NETNS"; then
  # a namespace left by an earlier run whose WORKDIR is gone: stop what still runs inside it
  for pid in $(ip netns pids "$NETNS" 2>/dev/null); do
    echo "stopping stale process $pid ($(readlink /proc/$pid/exe 2>/dev/null)) in $NETNS" >&2
    kill -TERM "$pid" 2>/dev/null
  done
  for _ in $(seq 50); do [ -z "$(ip netns pids "$NETNS" 2>/dev/null)" ] && break; sleep 0.1; done
  for pid in $(ip netns pids "$NETNS" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  ip netns del "$NETNS"
fi
echo "hierarchy stopped"
