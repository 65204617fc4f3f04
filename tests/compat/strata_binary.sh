# Sourced by the compat harnesses (not run): takes an optional leading
# strata binary argument and an optional "--" off the caller's arguments,
# else finds build-compat/src/cli/strata or build/src/cli/strata; sets
# $strata, or exits 77 (a CTest skip) naming the caller ($harness).
strata=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  strata="$1"
  shift
fi
[ "${1:-}" = "--" ] && shift
if [ -z "$strata" ]; then
  for c in "$root/build-compat/src/cli/strata" "$root/build/src/cli/strata"; do
    if [ -x "$c" ]; then strata="$c"; break; fi
  done
fi
if [ -z "$strata" ] || [ ! -x "$strata" ]; then
  echo "$harness: no strata binary (build target strata_cli)" >&2
  exit 77
fi
