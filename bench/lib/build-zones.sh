#!/usr/bin/env bash
# build-zones.sh WORKDIR LEAVES TLSA_TTL — a small signed hierarchy for the delay benchmarks (cold, keep-warm):
# the root, the TLD `bench.`, and LEAVES leaf zones `z1.bench.` … `zN.bench.`, each with one host
# `www` (A) and its TLSA record `_443._tcp.www` (TTL TLSA_TTL). Every zone is signed with its own ECDSA P-256
# key (ldns-signzone, NSEC); each parent publishes its child's DS (SHA-256).
#
# The delegations name the *proxy* addresses (port 53); the real NSD instances listen on the same addresses at
# REAL_PORT, and the delay proxy forwards one to the other. So every query a resolver sends to an authority
# crosses the proxy, where it is delayed and counted. Three NSD instances, because one server holding a zone
# and its ancestor would answer for the child instead of referring (as test/hierarchy/build.sh checks).
#
# Writes: root.hints, root.ds (trust anchor, DS line), names.txt (one TLSA owner a line),
# nsd-root.conf, nsd-tld.conf, nsd-leaves.conf, proxy.json (listen/target pairs). Nothing touches the network.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/addresses.sh"

WORKDIR=$(realpath -m "${1:?usage: build-zones.sh WORKDIR LEAVES TLSA_TTL}")
LEAVES=${2:?LEAVES}
TLSA_TTL=${3:?TLSA_TTL}
[ "$LEAVES" -ge 1 ] && [ "$LEAVES" -le 250 ] || { echo "LEAVES must be 1..250 (one address each)" >&2; exit 2; }
case "$WORKDIR" in /tmp/bench-*) ;; *) echo "refusing WORKDIR=$WORKDIR (must be /tmp/bench-*)" >&2; exit 2 ;; esac
rm -rf "$WORKDIR"
mkdir -p "$WORKDIR"/{src,zones,keys,nsd-root,nsd-tld,nsd-leaves}

SIG_INCEPTION=20240101000000
SIG_EXPIRATION=20360101000000

# leaf_addr I -> the address of leaf zone I's server
leaf_addr() { echo "$LEAF_PREFIX.$1"; }

# soa_ns ZONE NSNAME -> apex SOA and NS lines
soa_ns() {
  printf '%s\t3600\tIN\tSOA\t%s hostmaster.invalid. 1 3600 600 86400 300\n' "$1" "$2"
  printf '%s\t3600\tIN\tNS\t%s\n' "$1" "$2"
}

# sign ZONE -> zones/ZONE.signed from src/ZONE.zone with a fresh CSK; keys/ZONE.ds holds its DS
sign() {
  local zone=$1 base=${1%.} key
  [ "$zone" = . ] && base=root
  key=$(cd "$WORKDIR/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$zone")
  ldns-signzone -o "$zone" -i "$SIG_INCEPTION" -e "$SIG_EXPIRATION" -f "$WORKDIR/zones/$base.signed" \
    "$WORKDIR/src/$base.zone" "$WORKDIR/keys/$key"
  ldns-key2ds -n -2 "$WORKDIR/keys/$key.key" >"$WORKDIR/keys/$base.ds"
}

# leaves first: the TLD publishes their DS records
: >"$WORKDIR/names.txt"
for i in $(seq 1 "$LEAVES"); do
  zone="z$i.$TLD" addr=$(leaf_addr "$i")
  {
    soa_ns "$zone" "ns1.$zone"
    printf 'ns1.%s\t3600\tIN\tA\t%s\n' "$zone" "$addr"
    printf 'www.%s\t3600\tIN\tA\t192.0.2.%d\n' "$zone" "$i"
    # a DANE-EE SPKI SHA-256 association (RFC 7671 §5.1); the digest is random: nothing verifies a certificate here
    printf '_443._tcp.www.%s\t%d\tIN\tTLSA\t3 1 1 %s\n' "$zone" "$TLSA_TTL" "$(openssl rand -hex 32)"
  } >"$WORKDIR/src/z$i.$TLD_BASE.zone"
  sign "$zone"
  echo "_443._tcp.www.$zone" >>"$WORKDIR/names.txt"
done

{
  soa_ns "$TLD" "ns1.$TLD"
  printf 'ns1.%s\t3600\tIN\tA\t%s\n' "$TLD" "$ADDR_TLD"
  for i in $(seq 1 "$LEAVES"); do
    printf 'z%d.%s\t3600\tIN\tNS\tns1.z%d.%s\n' "$i" "$TLD" "$i" "$TLD"
    printf 'ns1.z%d.%s\t3600\tIN\tA\t%s\n' "$i" "$TLD" "$(leaf_addr "$i")"
    cat "$WORKDIR/keys/z$i.$TLD_BASE.ds"
  done
} >"$WORKDIR/src/$TLD_BASE.zone"
sign "$TLD"

{
  # the root's server name lives in the root zone itself (no further delegation to resolve before priming)
  soa_ns . "$ROOT_NS"
  printf '%s\t3600\tIN\tA\t%s\n' "$ROOT_NS" "$ADDR_ROOT"
  printf '%s\t3600\tIN\tNS\tns1.%s\n' "$TLD" "$TLD"
  printf 'ns1.%s\t3600\tIN\tA\t%s\n' "$TLD" "$ADDR_TLD"
  cat "$WORKDIR/keys/$TLD_BASE.ds"
} >"$WORKDIR/src/root.zone"
sign .
cp "$WORKDIR/keys/root.ds" "$WORKDIR/root.ds"
printf '.\t3600000\tNS\t%s\n%s\t3600000\tA\t%s\n' "$ROOT_NS" "$ROOT_NS" "$ADDR_ROOT" >"$WORKDIR/root.hints"

# write_nsd_conf NAME ZONES ADDRESS... -> an NSD instance (foreground, as root) serving ZONES at ADDRESS@REAL_PORT
write_nsd_conf() {
  local name=$1 zones=$2 addr zone base
  shift 2
  {
    echo "server:"
    for addr in "$@"; do echo "  ip-address: $addr@$REAL_PORT"; done
    cat <<EOF
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$WORKDIR/zones"
  database: ""
  pidfile: "$WORKDIR/$name/nsd.pid"
  xfrdfile: "$WORKDIR/$name/xfrd.state"
  xfrdir: "$WORKDIR/$name"
  zonelistfile: "$WORKDIR/$name/zone.list"
  server-count: 1
  verbosity: 0
  hide-version: yes
  ipv4-edns-size: 1232
remote-control:
  control-enable: no
EOF
    for zone in $zones; do
      base=${zone%.}; [ "$zone" = . ] && base=root
      printf 'zone:\n  name: "%s"\n  zonefile: "%s.signed"\n' "$zone" "$base"
    done
  } >"$WORKDIR/$name.conf"
}

leaf_zones=$(for i in $(seq 1 "$LEAVES"); do echo "z$i.$TLD"; done)
leaf_addrs=$(for i in $(seq 1 "$LEAVES"); do leaf_addr "$i"; done)
write_nsd_conf nsd-root . "$ADDR_ROOT"
write_nsd_conf nsd-tld "$TLD" "$ADDR_TLD"
# shellcheck disable=SC2086  # one argument per address
write_nsd_conf nsd-leaves "$leaf_zones" $leaf_addrs

# the proxy's map: every authority address, port 53 -> the same address at REAL_PORT
{
  printf '['
  sep=''
  for addr in "$ADDR_ROOT" "$ADDR_TLD" $leaf_addrs; do printf '%s\n  ["%s", 53, %d]' "$sep" "$addr" "$REAL_PORT"; sep=','; done
  printf '\n]\n'
} >"$WORKDIR/proxy.json"
echo "built $((LEAVES + 2)) signed zones in $WORKDIR"
