#!/usr/bin/env bash
# Imports a stand-in for the Dockerfile's base image into local buildah storage, because base images cannot be
# pulled here. The stand-in is a Debian bookworm rootfs assembled from this machine (which runs bookworm): the
# machine's Node 24 and npm laid out like the official node image (/usr/local/bin/node, /usr/local/lib/node_modules/npm),
# dash as /bin/sh, a few coreutils, the shared libraries they need, and the official image's `node` user (1000:1000).
# It is committed under the exact name the Dockerfile's FROM uses, so the Dockerfile builds unchanged.
#
# Usage: standin-base.sh IMAGE_NAME   (expects BUILDAH to hold the buildah command with its storage flags)
set -euo pipefail

image="$1"
: "${BUILDAH:?BUILDAH must name the buildah command and storage flags}"

node_bin="$(command -v node)"
npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
node_version="$("$node_bin" -p process.versions.node)"
npm_version="$("$node_bin" -p "require('$npm_dir/package.json').version")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/usr/{bin,sbin,lib/x86_64-linux-gnu,lib64,local/bin,local/lib/node_modules} \
  "$root"/{etc,home/node,root,tmp,proc,sys,dev,run,var/tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
# Debian bookworm is merged-/usr.
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"

cp "$node_bin" "$root/usr/local/bin/node"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# What the official image's build steps and npm's lifecycle scripts use.
tools=(/bin/dash /usr/bin/env /bin/rm /bin/mkdir /bin/cp /bin/mv /bin/ln /bin/ls /bin/cat /bin/chmod /bin/chown
  /bin/sleep /bin/touch /usr/bin/id /bin/uname /bin/true /bin/false /usr/bin/dirname /usr/bin/basename)
for tool in "${tools[@]}"; do
  cp "$(readlink -f "$tool")" "$root/usr/bin/$(basename "$tool")"
done
ln -s dash "$root/usr/bin/sh"

# Shared libraries of everything copied, resolved on this machine.
for bin in "$root/usr/local/bin/node" "$root"/usr/bin/*; do
  [ -L "$bin" ] && continue
  ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}'
done | sort -u | while read -r lib; do
  cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/$(basename "$lib")"
done
# The dynamic loader, where bookworm keeps it (/lib64 is a symlink into /usr).
cp -L /lib64/ld-linux-x86-64.so.2 "$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root/usr/lib64/ld-linux-x86-64.so.2"

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
node:x:1000:1000::/home/node:/bin/sh
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
node:x:1000:
GROUP
chown 1000:1000 "$root/home/node"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="stand-in for %s"\n' "$image" >"$root/etc/os-release"

# The official image's entrypoint: prepends `node` when the first argument is a flag or not a command.
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRY'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
ENTRY
chmod +x "$root/usr/local/bin/docker-entrypoint.sh"

ctr="$($BUILDAH from --quiet scratch)"
mnt="$($BUILDAH mount "$ctr")"
cp -a "$root/." "$mnt/"
$BUILDAH umount "$ctr" >/dev/null
$BUILDAH config \
  --env "NODE_VERSION=$node_version" \
  --env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --entrypoint '["docker-entrypoint.sh"]' \
  --cmd node \
  --os linux --arch amd64 \
  --label "org.opencontainers.image.description=local stand-in (node $node_version, npm $npm_version)" \
  "$ctr"
$BUILDAH commit --quiet --rm "$ctr" "$image" >/dev/null
echo "standin-base: imported $image (node $node_version, npm $npm_version)"
