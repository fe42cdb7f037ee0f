#!/usr/bin/env bash
# Runs a Node program with Node 24, whatever Node the machine has: tools/ensure-node.sh puts Node 24 on PATH
# first (installing it into .tools/ once where the machine's Node is older), then Node runs the arguments.
# npm scripts that run the project's TypeScript tools start through it, so `npm run alexa -- launch` works
# from a shell that never sourced ensure-node.sh.
#   bash tools/node24.sh tools/alexa-simulator.ts launch
set -euo pipefail
ENSURE_NODE_QUIET=1 source "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh"
# Libraries imported by the tools (libs/) have no package "type"; Node detects their ES syntax and would
# say so on every run.
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON "$@"
