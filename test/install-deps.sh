#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian 12 (as root): the real DNS software daneel is
# tested against, and the npm packages. Debian starts daemons on install; a temporary policy-rc.d stops that
# (they would grab port 53 and query the public root), see shared TESTING-NOTES. Source it to keep the PATH
# with Node.js 24 (.ci/run does); run it alone to install only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PKGS=(bind9 bind9-utils bind9-dnsutils nsd knot knot-dnsutils unbound ldnsutils openssl iproute2 dnsperf pdns-recursor curl nftables)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-deps: need root to install: ${missing[*]} (run with sudo)" >&2; exit 1; fi
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
  trap - EXIT
fi
# If systemd runs on this machine, keep the packaged daemons off port 53.
if [ -d /run/systemd/system ]; then
  for s in unbound named bind9 nsd knot pdns-recursor; do systemctl disable --now "$s" >/dev/null 2>&1 || true; done
fi

# Node.js >= 24 (tools/node24.sh fetches the official binary from the npm registry when the PATH has an older one).
PATH="$(tools/node24.sh):$PATH"
export PATH
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
