#!/usr/bin/env bash
# The whole pipeline against two local registries. Installs what it lacks first, so it works as the
# first command in a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
exec node node_modules/tsx/dist/cli.mjs scripts/demo/main.ts "$@"
