#!/usr/bin/env bash
# Configures (once) and builds Strata in ./build with two jobs.
# Usage: scripts/build.sh [extra cmake -D options ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${STRATA_BUILD_DIR:-build}
if [ ! -f "$build/CMakeCache.txt" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build" "$@" >/dev/null
fi
cmake --build "$build" -j "${STRATA_JOBS:-2}"
