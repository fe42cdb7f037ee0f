#!/usr/bin/env bash
# Installs everything and runs every test (unit + end-to-end). The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-node.sh
npm ci --no-audit --no-fund --loglevel=error
npm run lint
npm test
