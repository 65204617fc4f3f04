#!/usr/bin/env bash
# Installs the Debian packages Strata needs, only those that are missing.
# clang and libclang-rt-dev (libFuzzer and the sanitizer runtimes, only a
# recommendation of clang) build the fuzz targets that scripts/test.sh runs.
# Usage: scripts/deps.sh [extra-package ...]
set -euo pipefail
pkgs=(build-essential cmake pkg-config git
      libabsl-dev libsimdjson-dev liblz4-dev libhowardhinnant-date-dev
      libxxhash-dev libgtest-dev libgmock-dev libbenchmark-dev
      librocksdb-dev libsqlite3-dev libleveldb-dev gnuplot-nox
      clang libclang-rt-dev "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
