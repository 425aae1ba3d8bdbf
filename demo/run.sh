#!/usr/bin/env bash
# demo/run.sh [--once] — daneel end to end on one machine, in one command (needs root: NSD binds port 53).
#
#  1. installs what is missing (apt: nsd ldnsutils bind9-dnsutils openssl, with a policy-rc.d guard so Debian
#     does not start the daemons; Node.js 24 via tools/node24.sh; `npm ci` when node_modules is missing; the build);
#  2. signs a private hierarchy with ldns: the root `.`, the TLD `fr.` and the IoT zone `example.fr.` with
#     TLSA records for `_443._tcp.js.example.fr` and `ns._device.example.fr`, and one record altered after signing;
#  3. serves each zone with its own NSD on ${DEMO_NET:-127.53.0}.1/.2/.3 port 53 (foreground, PIDs recorded);
#  4. starts `daneel serve` on ${DEMO_LISTEN:-127.0.0.1}:${DEMO_PORT:-5300} with the demo's root hints and trust anchor
#     (never the built-in public ones) and asks it with dig: the `ad` flag on the TLSA answers, SERVFAIL + EDE
#     on the altered one;
#  5. leaves daneel running until Ctrl-C, or with --once exits after the checks (status 0 only if all passed).
# It stops exactly the processes it started, by PID (listed in $DEMO_DIR/pids). Work files go to
# ${DEMO_DIR:-/tmp/daneel-demo}; DEMO_NET, DEMO_LISTEN and DEMO_PORT move the addresses.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
NET=${DEMO_NET:-127.53.0}
LISTEN=${DEMO_LISTEN:-127.0.0.1}
PORT=${DEMO_PORT:-5300}
WORK=${DEMO_DIR:-/tmp/daneel-demo}
ONCE=0
# Signature validity window: wide enough that the demo keeps working for years.
INCEPTION=20240101000000
EXPIRATION=20360101000000

for arg in "$@"; do
  case "$arg" in
    --once) ONCE=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $arg (use --once or --help)" >&2; exit 64 ;;
  esac
done

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (NSD listens on port 53 of $NET.x)"

# ---- processes we start, stopped by PID on any exit -----------------------------------------------------------
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. dependencies -------------------------------------------------------------------------------------------
install_missing() {
  local need=()
  command -v nsd >/dev/null || need+=(nsd)
  command -v ldns-signzone >/dev/null || need+=(ldnsutils)
  command -v dig >/dev/null || need+=(bind9-dnsutils)
  command -v openssl >/dev/null || need+=(openssl)
  if [ "${#need[@]}" -gt 0 ]; then
    say "installing ${need[*]}"
    local guard=0
    # Debian starts packaged daemons on install; policy-rc.d exiting 101 forbids that.
    if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; guard=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" \
      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"; }
    [ "$guard" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ -d /run/systemd/system ]; then systemctl disable --now nsd 2>/dev/null || true; fi
  fi
  # Node.js >= 24: the official binary from the npm registry when the PATH has an older one (tools/node24.sh).
  PATH="$("$REPO/tools/node24.sh"):$PATH"; export PATH
  if [ ! -d "$REPO/node_modules" ]; then say "npm ci"; (cd "$REPO" && npm ci --no-audit --no-fund); fi
  # daneel runs compiled JavaScript: build dist/ (incremental, quick when nothing changed).
  (cd "$REPO" && npm run build >/dev/null)
}

port_in_use() { # proto addr port
  ss -Hln"${1:0:1}" 2>/dev/null | awk '{print $4}' | grep -qx "$2:$3"
}

check_addresses_free() {
  local i
  for i in 1 2 3; do
    port_in_use udp "$NET.$i" 53 && die "$NET.$i:53 is already in use; set DEMO_NET to another 127.x.y prefix"
  done
  port_in_use udp "$LISTEN" "$PORT" && die "$LISTEN:$PORT/udp is in use; set DEMO_PORT"
  port_in_use tcp "$LISTEN" "$PORT" && die "$LISTEN:$PORT/tcp is in use; set DEMO_PORT"
  return 0
}

# ---- 2. keys, certificates, signed zones ---------------------------------------------------------------------
prepare_workdir() {
  if [ -e "$WORK" ] && [ ! -e "$WORK/.daneel-demo" ]; then die "$WORK exists and is not a demo directory; set DEMO_DIR"; fi
  rm -rf "$WORK"
  mkdir -p "$WORK"/{keys,zones,nsd,certs}
  touch "$WORK/.daneel-demo"
}

spki_sha256_of_pubkey() { # PEM public key on stdin -> uppercase hex SHA-256 of the DER SubjectPublicKeyInfo
  openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1 | tr 'a-f' 'A-F'
}

make_certificates() {
  local c="$WORK/certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$c/js.key" -out "$c/js.crt" \
    -days 3650 -subj '/CN=js.example.fr' -addext 'subjectAltName=DNS:js.example.fr' 2>/dev/null
  openssl genpkey -algorithm ED25519 -out "$c/device.key" 2>/dev/null
  JS_SPKI=$(openssl x509 -in "$c/js.crt" -noout -pubkey | spki_sha256_of_pubkey)
  DEVICE_SPKI=$(openssl pkey -in "$c/device.key" -pubout | spki_sha256_of_pubkey)
}

render() { # template -> zone source with the placeholders filled in
  sed -e "s/@NET@/$NET/g" -e "s/@JS_SPKI_SHA256@/$JS_SPKI/g" -e "s/@DEVICE_SPKI_SHA256@/$DEVICE_SPKI/g" "$1"
}

sign_zone() { # zone source-file signed-file ; leaves the KSK's DS in $WORK/keys/<zone>ds
  local zone=$1 src=$2 out=$3 ksk zsk
  ksk=$(cd "$WORK/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$zone")
  zsk=$(cd "$WORK/keys" && ldns-keygen -a ECDSAP256SHA256 "$zone")
  ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" -o "$zone" -f "$out" "$src" "$WORK/keys/$zsk" "$WORK/keys/$ksk"
  cp "$WORK/keys/$ksk.ds" "$WORK/keys/${zone}ds"
}

# Alters the TLSA RDATA of _443._tcp.bad.example.fr. after signing: its RRSIG no longer verifies (RFC 4035 §5.3).
tamper() {
  awk -F'\t' 'BEGIN { OFS = "\t" }
    $1 == "_443._tcp.bad.example.fr." && $4 == "TLSA" {
      n = split($5, f, " "); d = f[n]; f[n] = (substr(d, 1, 1) == "0" ? "1" : "0") substr(d, 2)
      $5 = f[1]; for (i = 2; i <= n; i++) $5 = $5 " " f[i]
    }
    { print }' "$1" >"$1.tmp"
  cmp -s "$1" "$1.tmp" && die "tamper: no TLSA line for _443._tcp.bad.example.fr. in $1"
  mv "$1.tmp" "$1"
}

build_hierarchy() {
  local z="$WORK/zones"
  render "$HERE/zones/example.fr.zone" >"$z/example.fr.src"
  sign_zone example.fr. "$z/example.fr.src" "$z/example.fr.signed"
  tamper "$z/example.fr.signed"
  { render "$HERE/zones/fr.zone"; cat "$WORK/keys/example.fr.ds"; } >"$z/fr.src"
  sign_zone fr. "$z/fr.src" "$z/fr.signed"
  { render "$HERE/zones/root.zone"; cat "$WORK/keys/fr.ds"; } >"$z/root.src"
  sign_zone . "$z/root.src" "$z/root.signed"
  # What daneel is told: our root server, and our root KSK as the only trust anchor.
  printf '.\t3600000\tIN\tNS\tns.root.\nns.root.\t3600000\tIN\tA\t%s.1\n' "$NET" >"$WORK/root.hints"
  cp "$WORK/keys/.ds" "$WORK/root.ds"
}

# ---- 3. NSD, one instance per zone ------------------------------------------------------------------------------
write_nsd_conf() { # name address zone zonefile
  local name=$1 addr=$2 zone=$3 file=$4 d="$WORK/nsd/$1"
  mkdir -p "$d"
  cat >"$d/nsd.conf" <<EOF
server:
  ip-address: $addr
  port: 53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$WORK/zones"
  database: ""
  zonelistfile: "$d/zone.list"
  xfrdfile: "$d/xfrd.state"
  xfrdir: "$d/xfr"
  pidfile: "$d/nsd.pid"
  logfile: "$d/nsd.log"
  server-count: 1
  verbosity: 1
  hide-version: yes
remote-control:
  control-enable: no
zone:
  name: "$zone"
  zonefile: "$file"
EOF
  nsd-checkconf "$d/nsd.conf"
}

wait_for_answer() { # server port name type seconds
  local i
  for i in $(seq $(($5 * 4))); do
    if dig @"$1" -p "$2" "$3" "$4" +time=1 +tries=1 +norecurse 2>/dev/null | grep -q 'status: NOERROR'; then return 0; fi
    sleep 0.25
  done
  return 1
}

start_nsd() {
  local spec name addr zone file
  for spec in "root $NET.1 . root.signed" "fr $NET.2 fr. fr.signed" "example.fr $NET.3 example.fr. example.fr.signed"; do
    read -r name addr zone file <<<"$spec"
    write_nsd_conf "$name" "$addr" "$zone" "$file"
    nsd -d -c "$WORK/nsd/$name/nsd.conf" >"$WORK/nsd/$name/stdout.log" 2>&1 &
    PIDS+=($!)
    echo "$! nsd-$name" >>"$WORK/pids"
    wait_for_answer "$addr" 53 "$zone" SOA 10 || die "NSD for $zone on $addr did not answer; see $WORK/nsd/$name/"
    echo "NSD serving $zone on $addr:53 (pid ${PIDS[-1]})"
  done
}

# ---- 4. daneel and the questions --------------------------------------------------------------------------------
DANEEL=(node "$REPO/bin/daneel.js")
ANCHOR_FLAGS=(--root-hints "$WORK/root.hints" --trust-anchor "$WORK/root.ds")

start_daneel() {
  "${DANEEL[@]}" serve --listen "$LISTEN:$PORT" "${ANCHOR_FLAGS[@]}" 2>"$WORK/daneel.log" &
  DANEEL_PID=$!
  PIDS+=("$DANEEL_PID")
  echo "$DANEEL_PID daneel" >>"$WORK/pids"
  wait_for_answer "$LISTEN" "$PORT" example.fr. SOA 30 || { tail -20 "$WORK/daneel.log" >&2; die "daneel did not answer on $LISTEN:$PORT"; }
  echo "daneel serving on $LISTEN:$PORT (pid $DANEEL_PID), log: $WORK/daneel.log"
}

FAILURES=0
check() { # description command...
  local what=$1; shift
  if "$@"; then printf '  \033[32mPASS\033[0m %s\n' "$what"; else printf '  \033[31mFAIL\033[0m %s\n' "$what"; FAILURES=$((FAILURES + 1)); fi
}
has_ad() { grep -Eq '^;; flags:[^;]* ad[ ;]' <<<"$1"; }
has_status() { grep -q "status: $2," <<<"$1"; }
has_ede() { grep -q '; EDE: ' <<<"$1"; }

ask() { # name type -> dig output on stdout (for the checks), and shown on stderr
  local cmd=(dig @"$LISTEN" -p "$PORT" +dnssec "$1" "$2") out
  out=$("${cmd[@]}")
  printf '\n$ %s\n%s\n' "${cmd[*]}" "$out" >&2
  printf '%s\n' "$out"
}

run_questions() {
  say "a TLSA answer that validates: flags include 'ad'"
  local js device bad q qrc
  js=$(ask _443._tcp.js.example.fr TLSA)
  check "_443._tcp.js.example.fr TLSA: NOERROR with ad" eval 'has_status "$js" NOERROR && has_ad "$js"'
  device=$(ask ns._device.example.fr TLSA)
  check "ns._device.example.fr TLSA: NOERROR with ad" eval 'has_status "$device" NOERROR && has_ad "$device"'

  say "a TLSA record altered after signing: SERVFAIL with an Extended DNS Error"
  bad=$(ask _443._tcp.bad.example.fr TLSA)
  check "_443._tcp.bad.example.fr TLSA: SERVFAIL with EDE" eval 'has_status "$bad" SERVFAIL && has_ede "$bad"'

  say "the same through the CLI: daneel query"
  printf '$ daneel query _443._tcp.js.example.fr TLSA --root-hints %s --trust-anchor %s\n' "$WORK/root.hints" "$WORK/root.ds"
  qrc=0; q=$("${DANEEL[@]}" query _443._tcp.js.example.fr TLSA "${ANCHOR_FLAGS[@]}") || qrc=$?
  printf '%s\n' "$q"
  check "daneel query js: exit 0, status secure" eval '[ "$qrc" -eq 0 ] && grep -q "STATUS: secure" <<<"$q"'
  qrc=0; q=$("${DANEEL[@]}" query _443._tcp.bad.example.fr TLSA "${ANCHOR_FLAGS[@]}" --json) || qrc=$?
  printf '$ daneel query _443._tcp.bad.example.fr TLSA ... --json\n%s\n' "$q"
  check "daneel query bad: exit 1, status bogus" eval '[ "$qrc" -eq 1 ] && grep -q "\"status\": \"bogus\"" <<<"$q"'
}

# ---- main ------------------------------------------------------------------------------------------------------
install_missing
check_addresses_free
say "signing the demo hierarchy in $WORK"
prepare_workdir
make_certificates
build_hierarchy
echo "root anchor: $(cat "$WORK/root.ds")"
say "starting NSD"
start_nsd
say "starting daneel"
start_daneel
run_questions

say "summary"
if [ "$FAILURES" -eq 0 ]; then echo "all checks passed"; else echo "$FAILURES check(s) failed"; fi
if [ "$ONCE" -eq 1 ]; then
  [ "$FAILURES" -eq 0 ]
  exit
fi
cat <<EOF

daneel keeps running on $LISTEN:$PORT. Try:
  dig @$LISTEN -p $PORT +dnssec _443._tcp.js.example.fr TLSA
  dig @$LISTEN -p $PORT +dnssec +cd _443._tcp.bad.example.fr TLSA     # CD: data without validation
  ${DANEEL[*]} query ns._device.example.fr TLSA ${ANCHOR_FLAGS[*]} --json
Press Ctrl-C to stop (NSD and daneel are stopped by PID).
EOF
wait "$DANEEL_PID" || true
