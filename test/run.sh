#!/usr/bin/env bash
# The test command (README): installs dependencies, type-checks and lints, then runs every test — unit tests,
# scripted-network scenarios, and the real signed hierarchy (NSD, BIND, Knot, Unbound in a network namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
bash test/install-deps.sh
npm run lint
npm test
