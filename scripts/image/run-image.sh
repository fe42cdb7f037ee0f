#!/usr/bin/env bash
# Runs a built image's own command the way a hardened Kubernetes pod would, without a container engine:
# fresh mount, PID and network namespaces; the image's root filesystem mounted READ-ONLY (no /tmp, no emptyDir:
# any write fails); /proc and a minimal /dev; the image's Env, WorkingDir, User and Cmd. Then probes it
# (scripts/image/probe-service.mts): liveness and readiness on the app port, metrics on the metrics port only,
# and a clean exit 0 after SIGTERM.
# Usage: run-image.sh IMAGE_JSON ROOTFS     (run as root; ROOTFS from `buildah mount`)
set -euo pipefail
image_json="$1"
rootfs="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${RUN_IMAGE_ROOT:-}" ]; then
  root="$(mktemp -d /tmp/run-image-root.XXXXXX)"
  status=0
  RUN_IMAGE_ROOT="$root" unshare --mount --pid --net --fork --kill-child --propagation private -- "$0" "$@" || status=$?
  rmdir "$root" 2>/dev/null || true
  rm -f "$root.log"
  exit "$status"
fi

# --- inside the new namespaces (this shell is PID 1 of the new PID namespace; mounts vanish with it) ---
root="$RUN_IMAGE_ROOT"
ip link set lo up
mount -t proc proc /proc # this namespace's view, so the probe sees the service's PID
mount --bind "$rootfs" "$root"
mount -o remount,bind,ro "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o size=64k,mode=755,nosuid tmpfs "$root/dev"
for dev in null zero random urandom; do
  touch "$root/dev/$dev"
  mount --bind "/dev/$dev" "$root/dev/$dev"
done

# The image's configuration, one value per line / NUL-separated arrays.
read_config() { node -e "const c=require(process.argv[1]).OCIv1.config; $1" "$image_json"; }
workdir="$(read_config 'process.stdout.write(c.WorkingDir||"/")')"
user="$(read_config 'process.stdout.write(c.User||"0:0")')"
mapfile -d '' -t image_env < <(read_config 'for (const e of c.Env||[]) process.stdout.write(e+"\0")')
mapfile -d '' -t command < <(read_config 'for (const a of [...(c.Entrypoint||[]), ...(c.Cmd||[])]) process.stdout.write(a+"\0")')
uid="${user%%:*}"
gid="${user#*:}"
[ "$gid" = "$user" ] && gid="$uid"

# What the chart's ConfigMap would set, and a production-like configuration (no network calls needed to be ready).
run_env=("${image_env[@]}"
  "LOG_LEVEL=info"
  "SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS:-5000}"
  "ALEXA_SKILL_ID=amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
  "MUSIC_API_BASE_URL=http://127.0.0.1:9/"
)
port=3000 metrics_port=9464
for kv in "${run_env[@]}"; do
  case "$kv" in PORT=*) port="${kv#PORT=}" ;; METRICS_PORT=*) metrics_port="${kv#METRICS_PORT=}" ;; esac
done

echo "run-image: starting '${command[*]}' as $uid:$gid in $workdir on a read-only root filesystem" >&2
# unshare here only changes root, directory and user (no new namespaces); the command is looked up in the image.
env -i "${run_env[@]}" unshare --root="$root" --wd="$workdir" --setgid "$gid" --setuid "$uid" -- "${command[@]}" \
  >"$root.log" 2>&1 &
pid=$!
status=0
node "$here/probe-service.mts" --pid "$pid" --port "$port" --metrics-port "$metrics_port" \
  --drain-ms "${SHUTDOWN_TIMEOUT_MS:-5000}" --uid "$uid" || status=$?
if [ "$status" -eq 0 ]; then
  # The probe sent SIGTERM and saw the process end: its exit code must be 0.
  code=0
  wait "$pid" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "run-image: FAILED: the service exited with $code after SIGTERM (expected 0)" >&2
    status=1
  else
    echo "run-image: the service drained and exited 0 after SIGTERM" >&2
  fi
fi
if [ "$status" -ne 0 ]; then
  echo "run-image: service output (last 40 lines):" >&2
  tail -n 40 "$root.log" >&2 || true
  kill -9 "$pid" 2>/dev/null || true
fi
if grep -q -E 'EROFS|read-only file system' "$root.log"; then
  echo "run-image: FAILED: the service tried to write to the read-only root filesystem" >&2
  grep -E 'EROFS|read-only file system' "$root.log" | head -5 >&2
  status=1
fi
exit "$status"
