#!/usr/bin/env bash
# The main job: installs missing packages, builds, runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
exec "${STRATA_BUILD_DIR:-build}"/examples/metrics_example "$@"
