#!/usr/bin/env bash
# Runs the Alexa Skills Kit CLI (ask-cli 2.30.7) from .tools/ask-cli, installing it there from the npm registry on
# first use, with Node 24 from tools/ensure-node.sh:   npm run ask -- deploy    (or: bash tools/ask.sh deploy)
# antlr4ts is pinned to 0.5.0-alpha.4: the 0.5.0-dev that ask-cli's dependency @alexa/acdl resolves to crashes the
# CLI at start ("Class extends value undefined"), whatever the command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENSURE_NODE_QUIET=1 source "$root/tools/ensure-node.sh"
ASK_CLI_VERSION=2.30.7
dir="$root/.tools/ask-cli"
if [ "$(node -p "try { require('$dir/node_modules/ask-cli/package.json').version } catch { '' }")" != "$ASK_CLI_VERSION" ]; then
  echo "ask: installing ask-cli@$ASK_CLI_VERSION into .tools/ask-cli (once)" >&2
  mkdir -p "$dir"
  cat > "$dir/package.json" <<JSON
{
  "private": true,
  "dependencies": { "ask-cli": "$ASK_CLI_VERSION" },
  "overrides": { "antlr4ts": "0.5.0-alpha.4" }
}
JSON
  npm install --prefix "$dir" --no-audit --no-fund --no-package-lock --loglevel=error >&2
fi
exec node "$dir/node_modules/ask-cli/dist/bin/ask.js" "$@"
