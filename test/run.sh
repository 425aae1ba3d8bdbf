#!/usr/bin/env bash
# The README's test command: exactly what CI runs (.ci/run).
set -euo pipefail
exec bash "$(dirname "$0")/../.ci/run" "$@"
