#!/usr/bin/env bash
# The main job: installs missing packages, builds, runs `strata demo`, which
# loads a day of devops metrics and a collection of incidents into
# ./strata-demo-data and prints representative queries.
# Extra arguments go to the demo (e.g. --scale 0.2, --dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
exec "${STRATA_BUILD_DIR:-build}"/src/cli/strata demo "$@"
