#!/usr/bin/env bash
# Checks scripts/fuzz.sh --no-build (what the CTest fuzz_smoke runs) on fake
# fuzzers: a target that fails or hangs fails the run; missing binaries
# skip (77), or fail with STRATA_REQUIRE_FUZZ=1 so CI cannot skip silently.
# Usage: fuzz/fuzz_sh_test.sh (CTest fuzz_sh_test).
set -uo pipefail
cd "$(dirname "$0")/.."
# scripts/test.sh exports these for fuzz_smoke; each check sets its own.
unset STRATA_REQUIRE_FUZZ FUZZ_SEED FUZZ_OUTER_TIMEOUT FUZZ_SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-sh-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# expect CODE WHAT ENV... -- ARGS...: runs fuzz.sh, compares its exit code.
expect() {
  local want=$1 what=$2
  shift 2
  local envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" scripts/fuzz.sh --no-build "$@" >"$work/out" 2>&1
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL: $what: exit $got, want $want" >&2
    sed 's/^/  | /' "$work/out" >&2
    failures=$((failures + 1))
  else
    echo "ok: $what (exit $got)"
  fi
}

fake() {  # dir target script-body
  mkdir -p "$1/fuzz"
  printf '#!/bin/sh\n%s\n' "$3" >"$1/fuzz/$2"
  chmod +x "$1/fuzz/$2"
}

expect 77 "no binaries: skip" FUZZ_BUILD_DIR="$work/none" -- -t 1
expect 1 "no binaries, REQUIRE: fail" \
  FUZZ_BUILD_DIR="$work/none" STRATA_REQUIRE_FUZZ=1 -- -t 1

fake "$work/good" fuzz_block 'echo "stat::number_of_executed_units: 42"'
expect 0 "a clean target passes" FUZZ_BUILD_DIR="$work/good" -- -t 1 fuzz_block
expect 1 "REQUIRE and another target missing: fail" \
  FUZZ_BUILD_DIR="$work/good" STRATA_REQUIRE_FUZZ=1 -- -t 1

fake "$work/crash" fuzz_block \
  'echo "==1==ERROR: AddressSanitizer: heap-buffer-overflow"; exit 1'
expect 1 "a crashing target fails" FUZZ_BUILD_DIR="$work/crash" -- -t 1 \
  fuzz_block

# A target that never returns: the outer timeout (secs + 120) ends it.
fake "$work/hang" fuzz_block 'exec sleep 100000'
expect 1 "a hanging target fails" FUZZ_BUILD_DIR="$work/hang" \
  FUZZ_OUTER_TIMEOUT=2 -- -t 1 fuzz_block

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all fuzz.sh checks passed"
