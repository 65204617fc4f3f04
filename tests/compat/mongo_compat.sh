#!/usr/bin/env bash
# Opt-in differential harness for MongoDB filter semantics: installs the
# pinned `mingo` (package.json here) into a cache directory outside the
# repo, then mongo_compat.mjs compares random filters, projections and
# sorts between mingo and `strata docs find` (with and without indexes).
#
#   tests/compat/mongo_compat.sh [STRATA_BINARY] [-- --seed N --filters N]
#
# STRATA_BINARY defaults to build-compat/src/cli/strata, then build/src/cli/
# strata. Needs node and npm (Debian: apt-get install nodejs npm). The npm
# install goes to $STRATA_COMPAT_NPM_DIR (default /tmp/strata-compat-npm).
# Exit 0: no differences; 1: differences (listed); 77: prerequisites
# missing (the CTest entry reports a skip).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

harness=mongo_compat
. "$here/strata_binary.sh"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "mongo_compat: $tool not found (apt-get install nodejs npm)" >&2
    exit 77
  fi
done

npm_dir="${STRATA_COMPAT_NPM_DIR:-/tmp/strata-compat-npm}"
mkdir -p "$npm_dir"
if ! cmp -s "$here/package.json" "$npm_dir/package.json" ||
  [ ! -d "$npm_dir/node_modules/mingo" ]; then
  cp "$here/package.json" "$npm_dir/package.json"
  if ! (cd "$npm_dir" && npm install --no-audit --no-fund --silent); then
    echo "mongo_compat: npm install failed in $npm_dir" >&2
    exit 77
  fi
fi
# Node resolves imports next to the script, so run a copy placed there.
cp "$here/mongo_compat.mjs" "$npm_dir/mongo_compat.mjs"

work="$(mktemp -d /tmp/mongo-compat.XXXXXX)"
trap '[ -z "${KEEP_WORK:-}" ] && rm -rf "$work"' EXIT
echo "mongo_compat: mingo $(node -p "require('$npm_dir/node_modules/mingo/package.json').version"), strata $strata, work $work"
node "$npm_dir/mongo_compat.mjs" --strata "$strata" --work "$work" "$@"
