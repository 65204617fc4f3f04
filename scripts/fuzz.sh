#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in
# build-fuzz, then runs each for a set time starting from its checked-in
# seed corpus. New inputs go to build-fuzz/corpus/<target>/ (the checked-in
# corpus stays small); crashes, leaks and timeouts to
# build-fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [-t SECONDS] [TARGET...]   build, run (default: all, 30 s)
#   scripts/fuzz.sh build                      build every target, run none
#                                              (scripts/test.sh uses this)
#   scripts/fuzz.sh corpus                     regenerate fuzz/corpus/
#   scripts/fuzz.sh --no-build [-t S] [T...]   run what build-fuzz already
#                                              has (the CTest fuzz_smoke)
#
# Env: FUZZ_SECONDS (default 30), FUZZ_BUILD_DIR (default build-fuzz),
#      FUZZ_JOBS (build parallelism, default 1), FUZZ_SEED (libFuzzer -seed;
#      default random), STRATA_REQUIRE_FUZZ=1 (missing clang or binaries is
#      a failure, not a skip: CI sets it), FUZZ_OUTER_TIMEOUT (seconds before
#      a target that stops responding is killed; default time + 120).
# Exit: 0 all ran clean, 1 a target failed (crash, leak, timeout, out of
#       memory, build failure), 77 nothing to run (clang++ not installed, or
#       --no-build without binaries) unless STRATA_REQUIRE_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${FUZZ_SECONDS:-30}"
dir="${FUZZ_BUILD_DIR:-build-fuzz}"
jobs="${FUZZ_JOBS:-1}"
all=(fuzz_wal_reader fuzz_sst fuzz_block fuzz_manifest fuzz_line_protocol
     fuzz_influxql fuzz_filter)

mode=run
build=1
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -t) secs="$2"; shift 2 ;;
    build) mode=build; shift ;;
    corpus) mode=corpus; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -eq 0 ]] && targets=("${all[@]}")

# Nothing to run: a skip (77), or a failure when CI requires the fuzzers.
skip() {
  if [[ "${STRATA_REQUIRE_FUZZ:-0}" == 1 ]]; then
    echo "fuzz.sh: $1 (STRATA_REQUIRE_FUZZ=1: failing)" >&2
    exit 1
  fi
  echo "fuzz.sh: $1; skipping" >&2
  exit 77
}

if [[ $build -eq 0 ]]; then
  missing=()
  for t in "${targets[@]}"; do
    [[ -x "$dir/fuzz/$t" ]] || missing+=("$t")
  done
  if [[ ${#missing[@]} -eq ${#targets[@]} ]]; then
    skip "no fuzz binaries in $dir (run scripts/fuzz.sh build once)"
  elif [[ ${#missing[@]} -gt 0 && "${STRATA_REQUIRE_FUZZ:-0}" == 1 ]]; then
    echo "fuzz.sh: not built: ${missing[*]}" >&2
    exit 1
  fi
elif ! command -v clang++ >/dev/null 2>&1; then
  skip "clang++ not found (scripts/deps.sh installs clang)"
fi

# Configures build-fuzz unless it already is, with these exact arguments:
# a second run then costs only make's up-to-date check.
configure() {
  local args=(-DSTRATA_FUZZ=ON -DSTRATA_BUILD_TESTS=OFF
              -DSTRATA_BUILD_BENCH=OFF -DSTRATA_SANITIZE=address
              -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link)
  if command -v ccache >/dev/null 2>&1; then
    args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  local stamp="$dir/fuzz-configure.args"
  if [[ -f "$dir/CMakeCache.txt" && -f "$stamp" &&
        "$(cat "$stamp")" == "${args[*]}" ]]; then
    return 0
  fi
  CC=clang CXX=clang++ cmake -S . -B "$dir" "${args[@]}" >/dev/null
  printf '%s' "${args[*]}" >"$stamp"
}
[[ $build -eq 1 ]] && configure

if [[ $mode == corpus ]]; then
  cmake --build "$dir" -j"$jobs" --target strata_fuzz_corpus >/dev/null
  rm -rf fuzz/corpus
  "$dir/fuzz/strata_fuzz_corpus" fuzz/corpus
  echo "fuzz.sh: wrote $(find fuzz/corpus -type f | wc -l) seed files"
  exit 0
fi

if [[ $mode == build ]]; then
  # One make invocation for all targets, so the shared libraries build in
  # parallel once.
  log="$dir/build.log"
  if ! cmake --build "$dir" -j"$jobs" --target strata_fuzz_all >"$log" 2>&1
  then
    grep -m5 'error' "$log" >&2 || tail -n 20 "$log" >&2
    echo "fuzz.sh: build failed, see $log" >&2
    exit 1
  fi
  echo "fuzz.sh: built ${#all[@]} fuzz targets in $dir"
  exit 0
fi

seed_arg=()
[[ -n "${FUZZ_SEED:-}" ]] && seed_arg=(-seed="$FUZZ_SEED")
failed=0
summary=()
for t in "${targets[@]}"; do
  # One build per target, so one that does not compile does not stop the
  # others from running.
  if [[ $build -eq 0 && ! -x "$dir/fuzz/$t" ]]; then
    summary+=("$(printf '%-20s skipped (not built)' "$t")")
    continue
  fi
  if [[ $build -eq 1 ]] &&
     ! cmake --build "$dir" -j"$jobs" --target "$t" >"$dir/$t.build.log" 2>&1
  then
    failed=1
    summary+=("$(printf '%-20s BUILD FAILED, see %s' "$t" "$dir/$t.build.log")")
    grep -m3 'error' "$dir/$t.build.log" >&2 || true
    continue
  fi
  work="$dir/corpus/$t"
  artifacts="$dir/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$dir/$t.log"
  set +e
  # libFuzzer stops at the time limit; -timeout catches one slow input, the
  # outer timeout anything that stops libFuzzer itself from returning.
  timeout -k 10 "${FUZZ_OUTER_TIMEOUT:-$((secs + 120))}" \
    "$dir/fuzz/$t" -max_total_time="$secs" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${seed_arg[@]}" \
    -artifact_prefix="$artifacts/" "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
          grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*' ||
        echo '?')
  if [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-20s ok    %10s executions in %ss, cov %s' \
                "$t" "$execs" "$secs" "$cov")")
  else
    failed=1
    summary+=("$(printf '%-20s FAIL  exit %d, see %s' "$t" "$rc" "$log")")
    tail -n 40 "$log" >&2
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
