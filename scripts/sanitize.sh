#!/usr/bin/env bash
# Builds the tests under sanitizers and runs them with ctest.
#
#   scripts/sanitize.sh [address|thread|all]      (default: all)
#
#   address  build-asan, -DSTRATA_SANITIZE=address (ASan + UBSan, any
#            finding aborts): the whole suite except perf-labelled tests.
#   thread   build-tsan, -DSTRATA_SANITIZE=thread: the concurrency tests
#            (label "tsan" plus the tests named in TSAN_TESTS: group commit,
#            background flush/compaction, concurrent readers, transactions,
#            the crash loop).
#
# Env: SANITIZE_JOBS (build and ctest parallelism, default 1),
#      TSAN_TESTS (ctest -R regex added to label tsan),
#      CTEST_EXTRA (more ctest arguments, e.g. "-R fault_sweep"),
#      STRATA_SWEEP_STRIDE (fault sweeps try every S-th call, default 5).
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
jobs="${SANITIZE_JOBS:-1}"
tsan_tests="${TSAN_TESTS:-^(memtable_test|db_basic_test|db_model_test|compaction_test|db_crash_test|series_store_test|docs_store_test|docs_txn_test|table_block_cache_test|strata_stress_short)$}"

# The fault sweeps try every I/O call; under a sanitizer every 5th will do.
export STRATA_SWEEP_STRIDE="${STRATA_SWEEP_STRIDE:-5}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"

configure_and_build() {  # dir sanitizer
  cmake -S . -B "$1" -DSTRATA_SANITIZE="$2" -DSTRATA_BUILD_BENCH=OFF \
    >/dev/null
  cmake --build "$1" -j"$jobs"
}

status=0
if [[ $which == address || $which == all ]]; then
  configure_and_build build-asan address
  (cd build-asan && ctest --output-on-failure -j"$jobs" -LE perf \
     --timeout 1800 ${CTEST_EXTRA:-}) || status=1
fi
if [[ $which == thread || $which == all ]]; then
  configure_and_build build-tsan thread
  # The union of label "tsan" and the named tests.
  names=$(cd build-tsan && ctest -N -L tsan | sed -n 's/^ *Test *#[0-9]*: //p')
  regex="$tsan_tests"
  for n in $names; do regex="$regex|^$n\$"; done
  (cd build-tsan && ctest --output-on-failure -j"$jobs" -R "$regex" \
     --timeout 1800 ${CTEST_EXTRA:-}) || status=1
fi
exit $status
