#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, ASan and UBSan in
# build-fuzz, then runs each for a set time starting from its checked-in
# seed corpus. New inputs go to build-fuzz/corpus/<target>/ (the checked-in
# corpus stays small); crashes, leaks and timeouts to
# build-fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [-t SECONDS] [TARGET...]   run (default: all, 30 s each)
#   scripts/fuzz.sh corpus                     regenerate fuzz/corpus/
#   scripts/fuzz.sh --no-build [-t S] [T...]   run what build-fuzz already
#                                              has (77 if nothing; the
#                                              CTest fuzz_smoke uses this)
#
# Env: FUZZ_SECONDS (default 30), FUZZ_BUILD_DIR (default build-fuzz),
#      FUZZ_JOBS (build parallelism, default 1).
# Exit: 0 all ran clean, 1 a target failed, 77 clang++ is not installed.
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
    corpus) mode=corpus; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -eq 0 ]] && targets=("${all[@]}")

if [[ $build -eq 0 ]]; then
  have=0
  for t in "${targets[@]}"; do [[ -x "$dir/fuzz/$t" ]] && have=1; done
  if [[ $have -eq 0 ]]; then
    echo "fuzz.sh: no fuzz binaries in $dir (run scripts/fuzz.sh once); skipping" >&2
    exit 77
  fi
elif ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz.sh: clang++ not found (apt-get install clang); skipping" >&2
  exit 77
fi

[[ $build -eq 1 ]] && CC=clang CXX=clang++ cmake -S . -B "$dir" \
  -DSTRATA_FUZZ=ON -DSTRATA_BUILD_TESTS=OFF -DSTRATA_BUILD_BENCH=OFF \
  -DSTRATA_SANITIZE=address -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  >/dev/null

if [[ $mode == corpus ]]; then
  cmake --build "$dir" -j"$jobs" --target strata_fuzz_corpus >/dev/null
  rm -rf fuzz/corpus
  "$dir/fuzz/strata_fuzz_corpus" fuzz/corpus
  echo "fuzz.sh: wrote $(find fuzz/corpus -type f | wc -l) seed files"
  exit 0
fi

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
  "$dir/fuzz/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$work" "fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
          grep -o '[0-9]*$' || echo 0)
  if [[ $rc -eq 0 ]]; then
    summary+=("$(printf '%-20s ok    %10s executions in %ss' "$t" "$execs" "$secs")")
  else
    failed=1
    summary+=("$(printf '%-20s FAIL  exit %d, see %s' "$t" "$rc" "$log")")
    tail -n 40 "$log" >&2
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
