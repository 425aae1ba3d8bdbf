# Shared settings for build.sh / start.sh / stop.sh (sourced, not run).
# The address plan is private to the daneel-hier network namespace: nothing here is reachable
# from, or reaches, the host's own network.
NETNS=${DANEEL_NETNS:-daneel-hier}   # DANEEL_NETNS lets parallel checkouts run their own hierarchy
DEFAULT_WORKDIR=/tmp/daneel-hier

# No server hosts a zone together with one of its ancestors (build.sh checks): otherwise it would
# answer for the child itself where a resolver should see a referral.
ADDR_ROOT_A=127.53.0.1   # a.root-servers.lab.: a second NSD instance that serves only the root
ADDR_ROOT_B=127.53.0.2   # b.root-servers.lab.: the same root NSD instance
ADDR_NSD=127.53.1.1      # NSD: fr. and second-level zones
ADDR_BIND=127.53.2.1     # BIND (named): lab. and second-level zones
ADDR_KNOT=127.53.3.1     # Knot (knotd): example. and optout.fr.
ADDR_UNBOUND=127.53.0.53 # the reference validating resolver
ADDR_CLOSED=127.53.9.1   # nothing listens here: the kernel answers ICMP port unreachable
ADDR_SILENT=127.53.9.2   # silent.mjs binds UDP+TCP 53 here and never answers
# IPv6 exists only inside the namespace: fd53::/64 (RFC 4193 unique-local) on its lo, never routed anywhere.
V6_PREFIX=fd53::
ADDR_NSD6=fd53::1        # a third NSD instance, IPv6 only: the v6only zones' sole server (AAAA glue only)

# Fixed signature validity window (RFC 4034 §3.1.5); bogus cases use other windows on purpose.
SIG_INCEPTION=20240101000000
SIG_EXPIRATION=20360101000000

# server_addr NAME -> the address of a server kind named in zones/manifest.tsv
server_addr() {
  case "$1" in
    root) echo "$ADDR_ROOT_A" ;;
    nsd) echo "$ADDR_NSD" ;;
    bind) echo "$ADDR_BIND" ;;
    knot) echo "$ADDR_KNOT" ;;
    closed) echo "$ADDR_CLOSED" ;;
    silent) echo "$ADDR_SILENT" ;;
    nsd6) echo "$ADDR_NSD6" ;;
    *) echo "unknown server kind: $1" >&2; return 1 ;;
  esac
}

# zone_file_base ZONE -> a file-name-safe base for a zone ("." -> root)
zone_file_base() {
  if [ "$1" = "." ]; then echo root; else echo "${1%.}"; fi
}

# in_netns CMD... -> run CMD inside the hierarchy's network namespace
in_netns() {
  ip netns exec "$NETNS" "$@"
}

# guard_workdir DIR -> refuse to clean a directory this tooling did not create
guard_workdir() {
  local dir="$1"
  case "$dir" in
    ""|/|/root|/home|/tmp|/work|/work/main) echo "refusing to use WORKDIR=$dir" >&2; exit 2 ;;
  esac
  if [ -d "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ] && [ ! -f "$dir/.daneel-hier" ]; then
    echo "refusing to clean $dir: not made by test/hierarchy (no .daneel-hier marker)" >&2
    exit 2
  fi
}
