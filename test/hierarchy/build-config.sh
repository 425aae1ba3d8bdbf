# Configuration writers for build.sh (sourced): root hints, trust anchor, server configs, info.json.
# Every daemon runs as root in the foreground and reads only WORKDIR (TESTING-NOTES: privilege drop
# would leave them unable to read the zone files).

# zones_served_by KIND -> the zones whose manifest servers list includes KIND
zones_served_by() {
  local zone
  for zone in "${ZONES[@]}"; do
    [[ ",${SERVERS[$zone]}," == *",$1,"* ]] && echo "$zone"
  done
  return 0
}

# write_root_hints FILE -> named.root format: the root NS names and their 127.x addresses
write_root_hints() {
  {
    echo "; private root hints for the daneel test hierarchy (netns $NETNS)"
    printf '.\t3600000\tNS\ta.root-servers.lab.\n'
    printf 'a.root-servers.lab.\t3600000\tA\t%s\n' "$ADDR_ROOT_A"
    printf '.\t3600000\tNS\tb.root-servers.lab.\n'
    printf 'b.root-servers.lab.\t3600000\tA\t%s\n' "$ADDR_ROOT_B"
  } >"$1"
}

# write_root_anchor FILE -> the root DS (SHA-256) and DNSKEY RRset in zone-file format
write_root_anchor() {
  {
    echo "; trust anchor for the private root (RFC 4035 §4.4)"
    dnssec-dsfromkey -a SHA-256 -f "$WORKDIR/zones/root.signed" .
    awk '$1 == "." && $4 == "DNSKEY"' "$WORKDIR/zones/root.signed"
  } >"$1"
}

# write_nsd_conf FILE KIND ADDRESS... -> one NSD instance serving KIND's zones on ADDRESS...
write_nsd_conf() {
  local file=$1 kind=$2 zone addr state="$WORKDIR/$2" ip4=no ip6=no
  shift 2
  mkdir -p "$state"
  for addr in "$@"; do if [[ $addr == *:* ]]; then ip6=yes; else ip4=yes; fi; done
  {
    echo "server:"
    for addr in "$@"; do echo "  ip-address: $addr"; done
    cat <<EOF
  port: 53
  do-ip4: $ip4
  do-ip6: $ip6
  username: ""
  chroot: ""
  zonesdir: "$WORKDIR/zones"
  database: ""
  pidfile: "$state/nsd.pid"
  xfrdfile: "$state/xfrd.state"
  xfrdir: "$state"
  zonelistfile: "$state/zone.list"
  server-count: 1
  verbosity: 1
  hide-version: yes
  # a TLSA RRset of ~1.9 kB must be truncated in UDP answers (RFC 6891 §7)
  ipv4-edns-size: 1232
  ipv6-edns-size: 1232
remote-control:
  control-enable: no
EOF
    if [ "$kind" = root ]; then
      # every query the root sees goes to dnstap-collector.mjs (started first by start.sh), which writes
      # logs/root-queries.log: the tests read what QNAME minimisation sent over the wire
      printf 'dnstap:\n  dnstap-enable: yes\n  dnstap-socket-path: "%s"\n  dnstap-log-auth-query-messages: yes\n' \
        "$WORKDIR/root-dnstap.sock"
    fi
    for zone in $(zones_served_by "$kind"); do
      printf 'zone:\n  name: "%s"\n  zonefile: "%s.signed"\n' "$zone" "$(zone_file_base "$zone")"
    done
  } >"$file"
}

write_named_conf() {
  local zone
  {
    cat <<EOF
options {
  directory "$WORKDIR/bind";
  pid-file "$WORKDIR/bind/named.pid";
  session-keyfile "$WORKDIR/bind/session.key";
  managed-keys-directory "$WORKDIR/bind";
  listen-on port 53 { $ADDR_BIND; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { none; };
  edns-udp-size 1232;
  max-udp-size 1232;
};
controls { };
EOF
    for zone in $(zones_served_by bind); do
      printf 'zone "%s" { type primary; file "%s/zones/%s.signed"; };\n' "$zone" "$WORKDIR" "$(zone_file_base "$zone")"
    done
  } >"$1"
}

write_knot_conf() {
  local zone
  {
    cat <<EOF
server:
  listen: $ADDR_KNOT@53
  rundir: "$WORKDIR/knot"
  pidfile: "$WORKDIR/knot/knot.pid"
  udp-max-payload: 1232
log:
  - target: stderr
    any: notice
database:
  storage: "$WORKDIR/knot"
control:
  listen: "$WORKDIR/knot/knot.sock"
template:
  - id: default
    storage: "$WORKDIR/zones"
    # serve the signed files exactly as written: no signing, no journal, no write-back
    dnssec-signing: off
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
EOF
    for zone in $(zones_served_by knot); do
      printf '  - domain: "%s"\n    file: "%s.signed"\n' "$zone" "$(zone_file_base "$zone")"
    done
  } >"$1"
}

write_unbound_conf() {
  cat >"$1" <<EOF
server:
  interface: $ADDR_UNBOUND
  port: 53
  # the v6only zone's only server has an IPv6 address (fd53::1, inside the namespace)
  do-ip6: yes
  username: ""
  chroot: ""
  directory: "$WORKDIR"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 1
  val-log-level: 2
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  # the private hierarchy lives on loopback addresses (TESTING-NOTES)
  do-not-query-localhost: no
  root-hints: "$WORKDIR/root.hints"
  trust-anchor-file: "$WORKDIR/root.anchor"
  module-config: "validator iterator"
  ede: yes
  harden-dnssec-stripped: yes
  qname-minimisation: yes
  # Unbound 1.17 drops a client reply that took longer than 1.9 s (discard-timeout), expecting the client to
  # retry; the half-dead cases legitimately take that long when the dead server is tried first, and the tests
  # ask once. 0 turns the drop off.
  discard-timeout: 0
EOF
}

# write_info_json FILE -> what global-setup.ts hands to the tests
write_info_json() {
  local zone first=1 kinds
  {
    printf '{\n  "workdir": "%s",\n  "netns": "%s",\n' "$WORKDIR" "$NETNS"
    printf '  "rootHints": "%s",\n  "trustAnchor": "%s",\n' "$WORKDIR/root.hints" "$WORKDIR/root.anchor"
    printf '  "unbound": "%s",\n' "$ADDR_UNBOUND"
    printf '  "rootQueryLog": "%s",\n' "$WORKDIR/logs/root-queries.log"
    printf '  "rootServers": ["%s", "%s"],\n' "$ADDR_ROOT_A" "$ADDR_ROOT_B"
    printf '  "servers": { "root": "%s", "nsd": "%s", "bind": "%s", "knot": "%s", "closed": "%s", "silent": "%s", "nsd6": "%s" },\n' \
      "$ADDR_ROOT_A" "$ADDR_NSD" "$ADDR_BIND" "$ADDR_KNOT" "$ADDR_CLOSED" "$ADDR_SILENT" "$ADDR_NSD6"
    printf '  "zones": {'
    for zone in "${ZONES[@]}"; do
      kinds=$(sed 's/,/", "/g' <<<"${SERVERS[$zone]}")
      [ $first = 1 ] || printf ','
      printf '\n    "%s": { "servers": ["%s"], "signer": "%s", "algorithm": "%s", "denial": "%s", "ds": "%s", "tweak": "%s" }' \
        "$zone" "$kinds" "${SIGNER[$zone]}" "${ALG[$zone]}" "${DENIAL[$zone]}" "${DSDIGEST[$zone]}" "${TWEAK[$zone]}"
      first=0
    done
    printf '\n  }\n}\n'
  } >"$1"
}
