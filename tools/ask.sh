#!/usr/bin/env bash
# Runs the Alexa Skills Kit CLI with Node 24 (tools/ensure-node.sh):   npm run ask -- deploy   (or: bash tools/ask.sh deploy)
# ask-cli is a devDependency, installed by npm ci from the lockfile. package.json overrides antlr4ts to 0.5.0-alpha.4:
# the 0.5.0-dev that ask-cli's dependency @alexa/acdl resolves to crashes the CLI at start ("Class extends value
# undefined"), whatever the command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENSURE_NODE_QUIET=1 source "$root/tools/ensure-node.sh"
cli="$root/node_modules/ask-cli/dist/bin/ask.js"
if [ ! -f "$cli" ]; then
  echo "ask: node_modules/ask-cli is missing: run npm ci (source tools/ensure-node.sh first)" >&2
  exit 1
fi
exec node "$cli" "$@"
