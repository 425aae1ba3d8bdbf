# Zone building for build.sh (sourced): templates -> source zone -> keys -> signed zone -> tweak -> DS.
# Uses build.sh's globals: WORKDIR and the manifest arrays TEMPLATE SERVERS SIGNER ALG DENIAL
# DSDIGEST TWEAK DELEGATION ZONES.

# ns_records ZONE -> apex NS records and their addresses (ns1, ns2, … in manifest order)
ns_records() {
  local zone=$1 i=0 kind addr
  IFS=',' read -ra kinds <<<"${SERVERS[$zone]}"
  for kind in "${kinds[@]}"; do
    i=$((i + 1))
    addr=$(server_addr "$kind")
    printf '%s\t3600\tIN\tNS\tns%d.%s\n' "$zone" "$i" "$zone"
    # an IPv6-only server gets AAAA glue and nothing else: only a resolver that speaks IPv6 can reach it
    if [[ $addr == *:* ]]; then
      printf 'ns%d.%s\t3600\tIN\tAAAA\t%s\n' "$i" "$zone" "$addr"
    else
      printf 'ns%d.%s\t3600\tIN\tA\t%s\n' "$i" "$zone" "$addr"
    fi
  done
}

# parent_of ZONE -> the zone one label up ("." for a TLD)
parent_of() {
  local rest=${1#*.}
  if [ -z "$rest" ]; then echo "."; else echo "$rest"; fi
}

# write_source ZONE OUT -> the template with placeholders filled, plus children's delegations and DS
write_source() {
  local zone=$1 out=$2 child
  local nsfile="$WORKDIR/tmp/ns-records"
  ns_records "$zone" >"$nsfile"
  awk -v origin="$zone" -v nsfile="$nsfile" '
    /\{\{NS_RECORDS\}\}/ { while ((getline line < nsfile) > 0) print line; next }
    { gsub(/\{\{ORIGIN\}\}/, origin); print }' "$HERE/zones/${TEMPLATE[$zone]}" >"$out"
  for child in "${ZONES[@]}"; do
    [ "$child" != "." ] && [ "$(parent_of "$child")" = "$zone" ] || continue
    if [ "${DELEGATION[$child]}" = auto ]; then ns_records "$child" >>"$out"; fi
    if [ -f "$WORKDIR/ds/$child.ds" ]; then cat "$WORKDIR/ds/$child.ds" >>"$out"; fi
  done
  extra_records_for "$zone" >>"$out"
}

# closest_zone OWNER -> the deepest zone of the manifest that OWNER (absolute, lower case) falls under
closest_zone() {
  local owner=$1 zone best=.
  for zone in "${ZONES[@]}"; do
    [ "$zone" != . ] || continue
    if [[ "$owner" == "$zone" || "$owner" == *".$zone" ]] && [ ${#zone} -gt ${#best} ]; then best=$zone; fi
  done
  echo "$best"
}

# extra_records_for ZONE -> the records of the HIER_EXTRA_RECORDS file (zone-file lines with absolute
# owners, e.g. TLSA records derived from certificates made at run time) that belong in ZONE; they are
# added before signing, so they are signed like the template's own records
extra_records_for() {
  local zone=$1 line owner
  [ -n "${HIER_EXTRA_RECORDS:-}" ] || return 0
  while IFS= read -r line; do
    case "$line" in ''|';'*|'#'*) continue ;; esac
    owner=${line%%[[:space:]]*}
    owner=${owner,,}
    if [ "$(closest_zone "$owner")" = "$zone" ]; then printf '%s\n' "$line"; fi
  done <"$HIER_EXTRA_RECORDS"
}

# check_extra_records -> fail early on an unreadable HIER_EXTRA_RECORDS or a relative owner name
check_extra_records() {
  [ -n "${HIER_EXTRA_RECORDS:-}" ] || return 0
  [ -r "$HIER_EXTRA_RECORDS" ] || { echo "HIER_EXTRA_RECORDS=$HIER_EXTRA_RECORDS is not readable" >&2; return 1; }
  local bad
  bad=$(awk '$0 !~ /^[[:space:]]*([;#]|$)/ && $1 !~ /\.$/' "$HIER_EXTRA_RECORDS")
  if [ -n "$bad" ]; then echo "HIER_EXTRA_RECORDS: owner names must be absolute (end with a dot): $bad" >&2; return 1; fi
}

# algorithm_name SIGNER NUMBER -> the mnemonic each tool expects
algorithm_name() {
  case "$2" in
    5) echo RSASHA1 ;;
    7) if [ "$1" = bind ]; then echo NSEC3RSASHA1; else echo RSASHA1-NSEC3-SHA1; fi ;;
    8) echo RSASHA256 ;;
    10) echo RSASHA512 ;;
    13) echo ECDSAP256SHA256 ;;
    14) echo ECDSAP384SHA384 ;;
    15) echo ED25519 ;;
    16) echo ED448 ;;
    *) echo "no mnemonic for algorithm $2" >&2; return 1 ;;
  esac
}

# make_key SIGNER ALG ZONE DIR -> path of a new key (without .key/.private); one SEP key signs all (CSK)
make_key() {
  local signer=$1 alg=$2 zone=$3 dir=$4 name bits=()
  name=$(algorithm_name "$signer" "$alg")
  case "$alg" in 5|7|8|10) bits=(-b 2048) ;; esac
  mkdir -p "$dir"
  if [ "$signer" = bind ]; then
    echo "$dir/$(dnssec-keygen -q -K "$dir" -a "$name" "${bits[@]}" -f KSK -n ZONE "$zone" 2>/dev/null)"
  else
    echo "$dir/$(cd "$dir" && ldns-keygen -a "$name" "${bits[@]}" -k "$zone")"
  fi
}

# sign SIGNER ZONE SRC OUT KEY DENIAL INCEPTION EXPIRATION [optout] -> OUT, one RR a line
sign() {
  local signer=$1 zone=$2 src=$3 out=$4 key=$5 denial=$6 inception=$7 expiration=$8 optout=${9:-}
  local raw="$WORKDIR/tmp/signed.raw" iterations salt nsec3=()
  if [[ $denial == nsec3:* ]]; then
    IFS=':' read -r _ iterations salt <<<"$denial"
  fi
  if [ "$signer" = bind ]; then
    [[ $denial == nsec3:* ]] && nsec3=(-3 "$salt" -H "$iterations")
    [ -n "$optout" ] && nsec3+=(-A)
    cat "$src" "$key.key" >"$WORKDIR/tmp/with-key.zone"
    dnssec-signzone -q -z -d "$WORKDIR/tmp" -o "$zone" -f "$raw" -s "$inception" -e "$expiration" \
      "${nsec3[@]}" "$WORKDIR/tmp/with-key.zone" "$key" >/dev/null
  else
    if [[ $denial == nsec3:* ]]; then
      nsec3=(-n -t "$iterations"); [ "$salt" != - ] && nsec3+=(-s "$salt")
      [ -n "$optout" ] && nsec3+=(-p)
    fi
    ldns-signzone -o "$zone" -i "$inception" -e "$expiration" "${nsec3[@]}" -f "$raw" "$src" "$key"
  fi
  ldns-read-zone "$raw" >"$out"
}

# build_zone ZONE -> WORKDIR/zones/ZONE.signed (or the unsigned copy) and WORKDIR/ds/ZONE.ds
build_zone() {
  local zone=$1 base src out key=""
  base=$(zone_file_base "$zone")
  src="$WORKDIR/src/$base.zone"
  out="$WORKDIR/zones/$base.signed"
  write_source "$zone" "$src"
  if [ "${SIGNER[$zone]}" = none ]; then
    ldns-read-zone "$src" >"$out"
  else
    key=$(make_key "${SIGNER[$zone]}" "${ALG[$zone]}" "$zone" "$WORKDIR/keys/$base")
    sign_with_tweak "$zone" "$src" "$out" "$key"
  fi
  [ "${DSDIGEST[$zone]}" = - ] || write_ds "$zone" "$out" "$key"
}

# sign_with_tweak ZONE SRC OUT KEY -> signs, then breaks exactly one thing when the manifest says so
sign_with_tweak() {
  local zone=$1 src=$2 out=$3 key=$4 signer=${SIGNER[$zone]} denial=${DENIAL[$zone]}
  local inception=$SIG_INCEPTION expiration=$SIG_EXPIRATION
  case "${TWEAK[$zone]}" in
    expired) inception=20200101000000; expiration=20230101000000 ;;   # RFC 4035 §5.3.1: now > expiration
    future) inception=20300101000000 ;;                               # RFC 4035 §5.3.1: now < inception
  esac
  [ "${TWEAK[$zone]}" = keytrap ] && forge_keytrap_keys "$zone" "$src"
  sign "$signer" "$zone" "$src" "$out" "$key" "$denial" "$inception" "$expiration"
  case "${TWEAK[$zone]}" in
    nosig) drop_rrsig "$out" "www.$zone" A ;;
    keytrap) forge_keytrap_sigs "$zone" "$out" "www.$zone" A ;;
    altered) sed -i -E "s/^(www\.${zone//./\\.}\s+[0-9]+\s+IN\s+A\s+)192\.0\.2\.1\s*$/\1192.0.2.99/" "$out"
             grep -q '192\.0\.2\.99' "$out" ;;
    wrongkey) resign_rrset_with_stray_key "$zone" "$src" "$out" "www.$zone" A ;;
    optout-mixed) merge_optout_chain "$zone" "$src" "$out" "$key" ;;
  esac
}

# KeyTrap (CVE-2023-50387): KEYTRAP_KEYS DNSKEYs sharing one key tag are published in the zone (the real key
# signs the DNSKEY RRset with them in it), and OWNER/TYPE's only RRSIGs are KEYTRAP_SIGS forgeries naming that
# tag: a validator without a work limit tries KEYTRAP_KEYS x KEYTRAP_SIGS signature checks. Total reply sizes
# stay below 64 KB (DNSKEY RRset ~28 KB, www A ~45 KB, both over TCP).
KEYTRAP_KEYS=100
KEYTRAP_SIGS=150

# forge_keytrap_keys ZONE SRC -> the colliding DNSKEYs appended to the unsigned source; tag in WORKDIR/tmp
forge_keytrap_keys() {
  node "$HERE/keytrap-forge.mjs" keys "$1" "$KEYTRAP_KEYS" "$WORKDIR/tmp/keytrap-$1tag" >>"$2"
}

# forge_keytrap_sigs ZONE OUT OWNER TYPE -> OWNER/TYPE's real RRSIG replaced by the forgeries
forge_keytrap_sigs() {
  local zone=$1 out=$2 owner=$3 type=$4 labels tag
  labels=$(awk -F. '{ print NF - 1 }' <<<"$owner")
  tag=$(cat "$WORKDIR/tmp/keytrap-${zone}tag")
  drop_rrsig "$out" "$owner" "$type"
  node "$HERE/keytrap-forge.mjs" sigs "$owner" "$type" "$labels" "$zone" "$tag" "$KEYTRAP_SIGS" \
    "$SIG_INCEPTION" "$SIG_EXPIRATION" >>"$out"
  [ "$(awk -v o="$owner" -v t="$type" '$1 == o && $4 == "RRSIG" && $5 == t' "$out" | wc -l)" -eq "$KEYTRAP_SIGS" ]
}

# drop_rrsig FILE OWNER TYPE -> remove the RRSIGs covering OWNER/TYPE
drop_rrsig() {
  awk -v owner="$2" -v type="$3" '!($1 == owner && $4 == "RRSIG" && $5 == type)' "$1" >"$1.tmp"
  mv "$1.tmp" "$1"
}

# resign_rrset_with_stray_key ZONE SRC OUT OWNER TYPE -> OWNER/TYPE's RRSIG comes from a key that is
# not in the zone's DNSKEY RRset (RFC 4035 §5.3.1: the RRSIG's key tag/algorithm must match a DNSKEY)
resign_rrset_with_stray_key() {
  local zone=$1 src=$2 out=$3 owner=$4 type=$5 stray other="$WORKDIR/tmp/stray.signed"
  stray=$(make_key "${SIGNER[$zone]}" "${ALG[$zone]}" "$zone" "$WORKDIR/tmp/stray-key")
  sign "${SIGNER[$zone]}" "$zone" "$src" "$other" "$stray" "${DENIAL[$zone]}" "$SIG_INCEPTION" "$SIG_EXPIRATION"
  drop_rrsig "$out" "$owner" "$type"
  awk -v owner="$owner" -v type="$type" '$1 == owner && $4 == "RRSIG" && $5 == type' "$other" >>"$out"
  rm -rf "$WORKDIR/tmp/stray-key"
}

# write_ds ZONE SIGNED KEY -> WORKDIR/ds/ZONE.ds with the digest type the manifest asks for
write_ds() {
  local zone=$1 signed=$2 key=${3:-} digest=${DSDIGEST[$1]} ds="$WORKDIR/ds/$1.ds" base
  base=$(zone_file_base "$zone")
  case "$digest" in
    1) dnssec-dsfromkey -a SHA-1 -f "$signed" "$zone" 2>/dev/null >"$ds" ;;
    2) dnssec-dsfromkey -a SHA-256 -f "$signed" "$zone" 2>/dev/null >"$ds" ;;
    4) dnssec-dsfromkey -a SHA-384 -f "$signed" "$zone" 2>/dev/null >"$ds" ;;
    # an unassigned digest type: RFC 4035 §5.2 / RFC 6840 §5.2 -> no supported DS, zone insecure
    200) dnssec-dsfromkey -a SHA-256 -f "$signed" "$zone" 2>/dev/null | awk '{ $6 = 200; print }' >"$ds" ;;
    *) echo "unsupported DS digest $digest for $zone" >&2; return 1 ;;
  esac
  if [ "${TWEAK[$zone]}" = dsmismatch ]; then
    # the parent's DS names a key the child never publishes (RFC 4035 §5.2)
    local unrelated
    unrelated=$(make_key "${SIGNER[$zone]}" "${ALG[$zone]}" "$zone" "$WORKDIR/keys/$base-unrelated")
    dnssec-dsfromkey -a SHA-256 "$unrelated.key" >"$ds"
  fi
  [ -s "$ds" ] || { echo "no DS made for $zone" >&2; return 1; }
}

# merge_optout_chain ZONE SRC OUT KEY -> OUT carries a chain where only the NSEC3 spans that cover
# insecure delegations have the Opt-Out flag (RFC 5155 §6). Both chains come from dnssec-signzone
# with the same key, so every RRSIG taken over stays valid for its own RRset.
merge_optout_chain() {
  local zone=$1 src=$2 out=$3 key=$4 optout="$WORKDIR/tmp/optout.signed"
  sign "${SIGNER[$zone]}" "$zone" "$src" "$optout" "$key" "${DENIAL[$zone]}" "$SIG_INCEPTION" "$SIG_EXPIRATION" optout
  awk '
    FNR == NR { if ($4 == "NSEC3" || ($4 == "RRSIG" && $5 == "NSEC3")) { optLines[$1] = optLines[$1] $0 "\n" }
                if ($4 == "NSEC3") { optNext[$1] = $9; optOwners[++n] = $1 }
                next }
    $4 == "NSEC3" { plainNext[$1] = $9 }
    $4 == "NSEC3" || ($4 == "RRSIG" && $5 == "NSEC3") { plainLines[$1] = plainLines[$1] $0 "\n"; next }
    { print }
    END { for (i = 1; i <= n; i++) { o = optOwners[i]
            printf "%s", (plainNext[o] == optNext[o] ? plainLines[o] : optLines[o]) } }' "$optout" "$out" >"$out.tmp"
  mv "$out.tmp" "$out"
}

# nsec3_covering FILE HASH -> the NSEC3 line whose span covers HASH (or matches it)
nsec3_covering() {
  awk -v h="$2" '$4 == "NSEC3" { owner = tolower(substr($1, 1, index($1, ".") - 1)); next_ = tolower($9)
      if (owner < next_ ? (h > owner && h < next_) : (h > owner || h < next_)) print; if (h == owner) print }' "$1"
}

# check_optout_case_names FILE ZONE -> fail the build if the optout cases' names would not land in
# the span cases.ts expects (secure NXDOMAIN: flag clear; insecure NXDOMAIN: Opt-Out flag set)
check_optout_case_names() {
  local file=$1 zone=$2 name want hash line flags
  while read -r name want; do
    case "$name" in ""|"#"*) continue ;; esac
    hash=$(nsec3hash - 1 0 "$name" | awk '{ print tolower($1) }')
    line=$(nsec3_covering "$file" "$hash")
    flags=$(awk '{ print $6 }' <<<"$line")
    if [ "$flags" != "$want" ]; then
      echo "optout check: $name (hash $hash) is covered by flags=$flags, want $want: $line" >&2
      return 1
    fi
  done <"$HERE/zones/optout-names.txt"
}

# check_no_ancestor_on_same_server -> fail when a server would host a zone and one of its ancestors:
# asked about the child at the parent's address it would answer, and the referral path (NS, glue,
# DS or its denial) would never be exercised
check_no_ancestor_on_same_server() {
  local zone ancestor kind
  for zone in "${ZONES[@]}"; do
    ancestor=$zone
    while [ "$ancestor" != "." ]; do
      ancestor=$(parent_of "$ancestor")
      [ -n "${SERVERS[$ancestor]:-}" ] || continue
      for kind in $(tr ',' ' ' <<<"${SERVERS[$zone]}"); do
        if [[ ",${SERVERS[$ancestor]}," == *",$kind,"* ]]; then
          echo "manifest: $kind serves both $zone and its ancestor $ancestor" >&2
          return 1
        fi
      done
    done
  done
}
