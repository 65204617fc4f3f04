#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds, runs ctest.
# Longer modes: STRATA_LONG=1 (more seeds, crash iterations, fuzz time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
cd "${STRATA_BUILD_DIR:-build}"
ctest --output-on-failure -j 2 --timeout 900
