#!/usr/bin/env bash
# run.sh — the LoRaWAN mutual-TLS example end to end, on the project's private signed DNS hierarchy:
#   1. make both parties' certificates (pki.ts) and their TLSA records;
#   2. build and sign the test hierarchy with those records added (test/hierarchy/build.sh, HIER_EXTRA_RECORDS)
#      and start it in the network namespace daneel-hier (test/hierarchy/start.sh);
#   3. start the Join Server and run the Network Server inside the namespace, each with daneel in-process
#      as its TLSA lookup, and print both sides' verdicts;
#   4. stop what it started (the Join Server by its PID, the hierarchy through stop.sh, which uses the PIDs
#      start.sh recorded) and delete its temporary directory.
# Needs root (network namespace) and the packages test/hierarchy/README.md lists. Only one hierarchy can run
# per machine: a running one (e.g. a test run) is stopped by start.sh.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NETNS=daneel-hier
[ "$(id -u)" = 0 ] || { echo "run.sh needs root (ip netns); try: sudo $0" >&2; exit 1; }

WORK=$(mktemp -d /tmp/daneel-lorawan.XXXXXX)
JS_PID=
cleanup() {
  if [ -n "$JS_PID" ] && kill -0 "$JS_PID" 2>/dev/null; then kill -TERM "$JS_PID" 2>/dev/null || true; wait "$JS_PID" 2>/dev/null || true; fi
  bash "$ROOT/test/hierarchy/stop.sh" "$WORK/hier" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$ROOT"
# Node.js >= 24, as for daneel itself: the official binary from the npm registry when the PATH has an older one.
PATH="$("$ROOT/tools/node24.sh"):$PATH"; export PATH

echo "== certificates and TLSA records (two unrelated PKIs)"
node --import tsx "$HERE/pki.ts" "$WORK/pki" mtls.example.
echo "== signed hierarchy with those records"
# (build.sh's stderr is kept for failures: ldns-signzone warns about the 200-iteration NSEC3 test zone)
HIER_EXTRA_RECORDS="$WORK/pki/tlsa.zone" bash test/hierarchy/build.sh "$WORK/hier" 2>"$WORK/build.err" | tail -1 \
  || { cat "$WORK/build.err" >&2; exit 1; }
bash test/hierarchy/start.sh "$WORK/hier"
DNS=(--root-hints "$WORK/hier/root.hints" --trust-anchor "$WORK/hier/root.anchor")

echo "== Join Server (js.mtls.example, 127.53.10.1:443)"
ip netns exec "$NETNS" node --import tsx "$HERE/join-server.ts" --chain "$WORK/pki/js-chain.pem" --key "$WORK/pki/js.key" \
  --listen 127.53.10.1:443 --clients 1 "${DNS[@]}" >"$WORK/js.out" 2>"$WORK/js.err" &
JS_PID=$!
for _ in $(seq 100); do grep -q '"listening"' "$WORK/js.out" 2>/dev/null && break; kill -0 "$JS_PID" 2>/dev/null || break; sleep 0.1; done
grep -q '"listening"' "$WORK/js.out" || { echo "the Join Server did not start:" >&2; cat "$WORK/js.err" >&2; exit 1; }

echo "== Network Server (ns._device.mtls.example) connects"
set +e
ip netns exec "$NETNS" node --import tsx "$HERE/network-server.ts" --js-host js.mtls.example --port 443 \
  --cert "$WORK/pki/ns.pem" --key "$WORK/pki/ns.key" "${DNS[@]}" >"$WORK/ns.out" 2>"$WORK/ns.err"
NS_STATUS=$?
set -e
for _ in $(seq 100); do kill -0 "$JS_PID" 2>/dev/null || break; sleep 0.1; done

# summary SIDE FILE -> one line per verdict the side printed, then its JSON lines
summary() {
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    for (const l of lines) {
      if (l.event === "listening") continue;
      if (l.verdict) console.log(`${process.argv[2]}: peer ${l.peer} -> ${l.verdict} (${l.accepted ? "accepted" : "refused"}): ${l.reason}`);
      else if (l.event === "join" && l.side === "js") console.log(`${process.argv[2]}: served a ${l.request} from ${l.peer}`);
      else if (l.event === "join") console.log(`${process.argv[2]}: ${l.answered ? "got JoinAns " + JSON.stringify(l.answer) : l.reason}`);
      else console.log(`${process.argv[2]}: ${JSON.stringify(l)}`);
    }' "$2" "$1"
}
echo
echo "== verdicts"
summary "Join Server    " "$WORK/js.out"
summary "Network Server " "$WORK/ns.out"
if [ -s "$WORK/ns.err" ] || [ -s "$WORK/js.err" ]; then echo "== stderr"; cat "$WORK/ns.err" "$WORK/js.err"; fi
echo
echo "== JSON (the one DANE verdict shape, per side)"
grep -h '"verdict"' "$WORK/js.out" "$WORK/ns.out"
exit "$NS_STATUS"
