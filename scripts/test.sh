#!/usr/bin/env bash
# The whole test suite: installs missing packages, builds, builds the
# libFuzzer targets (clang, ASan+UBSan, in build-fuzz) for the fuzz_smoke
# test, runs ctest. fuzz_smoke fails rather than skips here
# (STRATA_REQUIRE_FUZZ=1). Longer modes: README "Durability and reliability".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
FUZZ_JOBS="${STRATA_JOBS:-2}" scripts/fuzz.sh build
export STRATA_REQUIRE_FUZZ=1
cd "${STRATA_BUILD_DIR:-build}"
ctest --output-on-failure -j 2 --timeout 900
