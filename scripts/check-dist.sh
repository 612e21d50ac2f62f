#!/usr/bin/env bash
# Fails when the committed dist/ differs from a fresh bundle of the sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

work="$(mktemp -d "${TMPDIR:-/tmp}/sovereign-ci-check-dist.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fresh="$work/dist"

if ! node scripts/bundle.mjs --out "$fresh" >"$work/bundle.log" 2>&1; then
  cat "$work/bundle.log" >&2
  echo "check-dist: bundling failed (see above)" >&2
  exit 1
fi

if [ ! -d dist ]; then
  echo "check-dist: dist/ is missing; run npm run bundle and commit dist/" >&2
  exit 1
fi

if ! diff -rq dist "$fresh" >"$work/diff.txt" 2>&1; then
  echo "check-dist: dist/ is not what the sources bundle to. Differing files:" >&2
  sed -e "s#$fresh#<fresh bundle>#g" "$work/diff.txt" | sed 's/^/  /' >&2
  echo "Run npm run bundle and commit dist/." >&2
  exit 1
fi

# diff ignores modes; the CLI must stay executable.
if [ ! -x dist/cli/index.js ]; then
  echo "check-dist: dist/cli/index.js is not executable (run npm run bundle)" >&2
  exit 1
fi
echo "check-dist: dist/ matches the sources"
