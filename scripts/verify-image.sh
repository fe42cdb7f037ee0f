#!/usr/bin/env bash
# Verifies the container image without a Docker engine:
#   1. lint: dockerfile-utils and the project's Dockerfile policy (scripts/image/dockerfile-policy.mts);
#   2. build: Debian's buildah builds the Dockerfile unchanged (vfs storage, chroot isolation, --pull=never) against a
#      local stand-in of the pinned base image (scripts/image/standin-base.sh), with the host CA bundle passed as a
#      build secret for `npm ci`;
#   3. inspect: labels, user, command, no package manager, no dev dependencies, no CA bundle left behind;
#   4. run: the image's own command, as its own user, on a READ-ONLY root filesystem in fresh mount/PID/network
#      namespaces; GET /health/live, /health/ready on the app port and /metrics on the metrics port, then SIGTERM and
#      a clean exit 0 within the drain timeout.
# Installs buildah (apt) when missing; skips the build loudly (exit 0) when buildah cannot be had or the service
# has no entry point yet. Exits non-zero on any real failure.
# Environment: VERIFY_IMAGE_STORE (buildah storage, default /var/tmp/skill-service-verify-image; the stand-in base
#              stays there between runs), VERIFY_IMAGE_KEEP=1 keeps the built image (removed by default: vfs
#              stores every layer as a full copy).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
# shellcheck source=/dev/null
source tools/ensure-node.sh

log() { printf 'verify-image: %s\n' "$*" >&2; }
skip() {
  printf '\n%s\n' "################################################################################" >&2
  printf 'verify-image: SKIPPED: %s\n' "$*" >&2
  printf '%s\n\n' "################################################################################" >&2
  exit 0
}
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started))s"; }

if [ ! -x node_modules/.bin/dockerfile-utils ]; then
  log "installing node_modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- 1. lint --------------------------------------------------------------------------------------------------
log "lint: dockerfile-utils"
node_modules/.bin/dockerfile-utils lint Dockerfile
log "lint: Dockerfile policy"
node scripts/image/dockerfile-policy.mts Dockerfile
node --test test/deploy/image-policy.test.mts >"${TMPDIR:-/tmp}/verify-image-policy.log" 2>&1 || {
  cat "${TMPDIR:-/tmp}/verify-image-policy.log" >&2
  log "FAILED: test/deploy/image-policy.test.mts"
  exit 1
}
log "policy tests: $(grep -E '^ℹ (pass|fail)' "${TMPDIR:-/tmp}/verify-image-policy.log" | tr '\n' ' ')"

# --- 2. build -------------------------------------------------------------------------------------------------
if ! command -v buildah >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing buildah (apt)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah; } \
      >/tmp/verify-image-apt.log 2>&1 || log "apt-get could not install buildah (see /tmp/verify-image-apt.log)"
  fi
fi
command -v buildah >/dev/null 2>&1 || skip "buildah is not available and could not be installed; the image was NOT built."

if [ ! -f apps/skill-service/src/main.ts ]; then
  skip "apps/skill-service/src/main.ts does not exist yet; the image was NOT built or run (lint passed)."
fi
# The image runs the entry point of `npm run start:prod` (APP_COMMAND in scripts/image/inspect-image.mts; a test
# keeps the Dockerfile's CMD and package.json in step). A host build (seconds) tells whether the service produces
# it yet, before spending minutes on the image build.
entry="$(node --input-type=module -e "import { APP_COMMAND } from './scripts/image/inspect-image.mts'; console.log(APP_COMMAND.at(-1))")"
if [ ! -f "$entry" ]; then
  log "building the service on the host to find its entry point $entry (npm run build)"
  npm run build >"${TMPDIR:-/tmp}/verify-image-build.log" 2>&1 || {
    tail -n 40 "${TMPDIR:-/tmp}/verify-image-build.log" >&2
    log "FAILED: npm run build"
    exit 1
  }
fi
if [ ! -f "$entry" ]; then
  found="$(cd dist 2>/dev/null && find . -name main.js -not -path '*/node_modules/*' | head -n 3 | tr '\n' ' ')"
  skip "npm run build produced no $entry (found: ${found:-nothing}); the image was NOT built or run (lint passed)."
fi

STORE="${VERIFY_IMAGE_STORE:-/var/tmp/skill-service-verify-image}"
mkdir -p "$STORE"
export BUILDAH="buildah --root $STORE/storage --runroot $STORE/run --storage-driver vfs"
IMAGE=localhost/skill-service:verify
# Leftovers of an interrupted run: working containers and untagged stage images.
$BUILDAH rm --all >/dev/null 2>&1 || true
$BUILDAH rmi --prune >/dev/null 2>&1 || true

# A short name such as node:24.x.y-bookworm-slim means docker.io/library/node:24.x.y-bookworm-slim.
qualify() {
  local name="$1" first="${1%%/*}"
  if [ "$first" = "$name" ]; then echo "docker.io/library/$name"
  elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then echo "$name"
  else echo "docker.io/$name"; fi
}
mapfile -t bases < <(node scripts/image/dockerfile-policy.mts --print-bases Dockerfile)
for short in "${bases[@]}"; do
  base="$(qualify "$short")"
  if $BUILDAH inspect --type image "$base" >/dev/null 2>&1; then
    log "stand-in base $base already imported"
  else
    bash scripts/image/standin-base.sh "$base"
  fi
done

secret_args=()
ca_bundle="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
if [ -f "$ca_bundle" ]; then
  secret_args=(--secret "id=npm_ca,src=$ca_bundle")
  log "passing $ca_bundle to npm ci as build secret npm_ca"
fi

# buildah's chroot isolation gives RUN steps 1,024 open files unless told otherwise; npm ci can open more than that
# at once (EMFILE). The process's own hard limit is the most it may pass on.
nofile="$(ulimit -Hn)"
[ "$nofile" = unlimited ] && nofile=1048576

version="$(node -p "require('./package.json').version")"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
log "building $IMAGE (buildah $(buildah --version | awk '{print $3}'), vfs, chroot isolation, --pull=never, nofile $nofile)"
build_started=$(date +%s)
build() {
  $BUILDAH bud --isolation chroot --pull=never --ulimit "nofile=$nofile:$nofile" \
    "${secret_args[@]}" \
    --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    --build-arg "SOURCE=https://example.invalid/skill-service" \
    --build-arg "CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -f Dockerfile -t "$IMAGE" . >"$STORE/build.log" 2>&1
}
# Where the hard limit is low too, npm ci's file bursts depend on timing: one more try, only for EMFILE.
if ! build; then
  grep -q EMFILE "$STORE/build.log" && log "npm ran out of open files (limit $nofile); building once more" && build || {
    tail -n 60 "$STORE/build.log" >&2
    log "FAILED: buildah could not build the Dockerfile (full log: $STORE/build.log)"
    exit 1
  }
fi
log "built in $(($(date +%s) - build_started))s"

# --- 3 + 4. inspect and run -----------------------------------------------------------------------------------
$BUILDAH inspect --type image "$IMAGE" >"$STORE/image.json"
ctr="$($BUILDAH from --pull-never --quiet "$IMAGE")"
cleanup() {
  $BUILDAH rm "$ctr" >/dev/null 2>&1 || true
  [ "${VERIFY_IMAGE_KEEP:-}" = 1 ] || $BUILDAH rmi "$IMAGE" >/dev/null 2>&1 || true
  $BUILDAH rmi --prune >/dev/null 2>&1 || true
}
trap cleanup EXIT
rootfs="$($BUILDAH mount "$ctr")"

if [ ! -f "$rootfs/app/$entry" ]; then
  skip "the image has no /app/$entry (the service is not complete yet); the image was built but NOT run."
fi

node scripts/image/inspect-image.mts "$STORE/image.json" "$rootfs" "$version" "$revision"
bash scripts/image/run-image.sh "$STORE/image.json" "$rootfs"
log "PASSED in $(elapsed)"
