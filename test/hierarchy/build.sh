#!/usr/bin/env bash
# build.sh [WORKDIR] — generate keys, sign every zone of zones/manifest.tsv into WORKDIR, and write
# the root hints, the root trust anchor and the NSD / BIND / Knot / Unbound configuration files.
# Keys are made once per run; nothing here talks to the network.
# HIER_EXTRA_RECORDS=FILE (optional): zone-file lines with absolute owners, each added to the closest
# enclosing zone before it is signed (the DANE tests and examples publish TLSA records of certificates
# they make at run time this way).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/build-lib.sh"
. "$HERE/build-config.sh"

WORKDIR=$(realpath -m "${1:-$DEFAULT_WORKDIR}")
guard_workdir "$WORKDIR"
# servers still running from this WORKDIR would keep serving deleted files: stop them first
if [ -f "$WORKDIR/pids" ]; then "$HERE/stop.sh" "$WORKDIR" >/dev/null; fi
rm -rf "$WORKDIR"
mkdir -p "$WORKDIR"/{keys,src,zones,ds,tmp,bind,knot}
touch "$WORKDIR/.daneel-hier"

# ---- read the manifest -------------------------------------------------------------------------
declare -A TEMPLATE SERVERS SIGNER ALG DENIAL DSDIGEST TWEAK DELEGATION
ZONES=()
while IFS=$'\t' read -r zone template servers signer alg denial ds tweak delegation; do
  case "$zone" in ''|'#'*) continue ;; esac
  ZONES+=("$zone")
  TEMPLATE[$zone]=$template; SERVERS[$zone]=$servers; SIGNER[$zone]=$signer; ALG[$zone]=$alg
  DENIAL[$zone]=$denial; DSDIGEST[$zone]=$ds; TWEAK[$zone]=$tweak; DELEGATION[$zone]=$delegation
done < "$HERE/zones/manifest.tsv"

check_extra_records

# children are signed before parents: the parent publishes their DS records
mapfile -t ORDER < <(for zone in "${ZONES[@]}"; do
  labels=$(tr -cd '.' <<<"$zone" | wc -c); [ "$zone" = "." ] && labels=0
  printf '%d\t%s\n' "$labels" "$zone"; done | sort -s -t$'\t' -k1,1nr | cut -f2)

for zone in "${ORDER[@]}"; do
  build_zone "$zone"
done

check_optout_case_names "$WORKDIR/zones/optout.fr.signed" optout.fr.
write_root_hints "$WORKDIR/root.hints"
write_root_anchor "$WORKDIR/root.anchor"
check_no_ancestor_on_same_server
write_nsd_conf "$WORKDIR/nsd-root.conf" root "$ADDR_ROOT_A" "$ADDR_ROOT_B"
write_nsd_conf "$WORKDIR/nsd.conf" nsd "$ADDR_NSD"
write_nsd_conf "$WORKDIR/nsd6.conf" nsd6 "$ADDR_NSD6"
write_named_conf "$WORKDIR/named.conf"
write_knot_conf "$WORKDIR/knot.conf"
write_unbound_conf "$WORKDIR/unbound.conf"
write_info_json "$WORKDIR/info.json"
rm -rf "$WORKDIR/tmp"
echo "built $(ls "$WORKDIR/zones" | wc -l) zones in $WORKDIR"
