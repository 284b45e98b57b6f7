#!/usr/bin/env bash
# Assembles the bot image's two base images from parts already on this machine, for hosts where no
# container registry is reachable (our CI). Users never need this: build/Dockerfile defaults to the
# official node:24-slim and docker:28-cli images.
#
#   bumpguard-local/node:24          rootfs with the Node 24 binary of the npm `node` package
#                                    (node_modules/node/bin/node, stripped), the host glibc libraries
#                                    it and the docker client link against (found with ldd), the CA
#                                    bundle, /tmp, and passwd/group with a non-root `node` user
#                                    (uid 1000, as in node:24-slim).
#   bumpguard-local/docker-cli:host  the host's Debian docker client (/usr/bin/docker, engine 20.10's
#                                    client: builds with BuildKit via DOCKER_BUILDKIT=1 without the
#                                    buildx plugin). Dynamically linked, so it runs on the base above.
#
# Both are `docker import`ed (no FROM, no pull) and host-arch only. They carry a label with the hash
# of their inputs; a re-run with unchanged inputs keeps them (--force rebuilds anyway).
# Then: bash scripts/build-bot-image.sh --local
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCKER="${BUMPGUARD_DOCKER:-/usr/bin/docker}"
[ -x "$DOCKER" ] || DOCKER=docker
NODE_BIN="${NODE_BIN:-$ROOT/node_modules/node/bin/node}"
DOCKER_CLI="${DOCKER_CLI:-/usr/bin/docker}"
BASE_TAG="${BASE_TAG:-bumpguard-local/node:24}"
CLI_TAG="${CLI_TAG:-bumpguard-local/docker-cli:host}"
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

say() { printf 'make-local-base-image: %s\n' "$*"; }
die() { printf 'make-local-base-image: ERROR: %s\n' "$*" >&2; exit 1; }

[ -x "$NODE_BIN" ] || die "$NODE_BIN not found: run \`npm ci\` first (the npm package \`node\` ships the Node 24 binary)"
[ -x "$DOCKER_CLI" ] || die "$DOCKER_CLI not found: install Debian's docker.io (bash scripts/setup-host.sh)"
[ -r "$CA_BUNDLE" ] || die "$CA_BUNDLE not found: apt-get install ca-certificates"
# chown to uid 1000 below needs root; CI runs as root like setup-host.sh.
[ "$(id -u)" = 0 ] || die "run as root (the rootfs holds files owned by uid 0 and 1000)"

INPUTS="$(cat "$NODE_BIN" "$DOCKER_CLI" "$CA_BUNDLE" "$0" | sha256sum | cut -c1-16)"
LABEL=io.bumpguard.local-base.inputs
label_of() { "$DOCKER" image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
if [ "${1:-}" != --force ] && [ "$(label_of "$BASE_TAG")" = "$INPUTS" ] && [ "$(label_of "$CLI_TAG")" = "$INPUTS" ]; then
  say "up to date: $BASE_TAG and $CLI_TAG (inputs $INPUTS; --force rebuilds)"
  exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS"/{usr/local/bin,etc/ssl/certs,tmp,root,home/node}

# The npm package ships the official glibc build; a static or musl binary would need other parts.
node_deps="$(ldd "$NODE_BIN" 2>&1)" || die "ldd $NODE_BIN failed: $node_deps"
case "$node_deps" in
  *"not a dynamic executable"*) die "$NODE_BIN is statically linked; this script expects the official glibc build" ;;
  *musl*) die "$NODE_BIN links musl; this script copies the host's glibc" ;;
  *libc.so.6*) ;;
  *) die "$NODE_BIN does not link glibc's libc.so.6: $node_deps" ;;
esac

install -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
# The package's binary keeps its debug info; stripping takes ~20 MB off every layer that holds it.
if command -v strip >/dev/null; then strip --strip-all "$ROOTFS/usr/local/bin/node"; fi

# Every library either binary loads, at the path the dynamic loader resolved on this host
# (cp -L: Debian's /lib64/ld-linux-x86-64.so.2 and the .so.N names are symlinks).
copy_libs() {
  ldd "$1" | awk '/=> \// { print $3 } /^\t\// { print $1 }' | while read -r lib; do
    [ -e "$ROOTFS$lib" ] && continue
    mkdir -p "$ROOTFS$(dirname "$lib")"
    cp -L "$lib" "$ROOTFS$lib"
  done
}
copy_libs "$NODE_BIN"
copy_libs "$DOCKER_CLI"
# The loader's built-in path lacks Debian's multiarch dirs; a cache of this rootfs adds them.
ldd "$NODE_BIN" "$DOCKER_CLI" | awk '/=> \// { print $3 }' | xargs -n1 dirname | sort -u >"$ROOTFS/etc/ld.so.conf"
ldconfig -r "$ROOTFS"

cp "$CA_BUNDLE" "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' 'node:x:1000:1000::/home/node:/usr/sbin/nologin' >"$ROOTFS/etc/passwd"
printf '%s\n' 'root:x:0:' 'node:x:1000:' >"$ROOTFS/etc/group"
printf '%s\n' 'hosts: files dns' >"$ROOTFS/etc/nsswitch.conf"
chmod 1777 "$ROOTFS/tmp"
chmod 0700 "$ROOTFS/root"
chown 1000:1000 "$ROOTFS/home/node"

# A re-import moves the tag; the previous image would linger untagged at ~110 MB per run.
replace_image() {
  local tag="$1" old; shift
  old="$("$DOCKER" image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  "$@" >/dev/null
  if [ -n "$old" ] && [ "$old" != "$("$DOCKER" image inspect -f '{{.Id}}' "$tag")" ]; then
    "$DOCKER" rmi "$old" >/dev/null 2>&1 || say "kept the previous $tag ($old): a container still uses it"
  fi
}

say "importing $BASE_TAG ($(du -sh "$ROOTFS" | cut -f1) rootfs)"
import_base() {
  tar --numeric-owner -C "$ROOTFS" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' --change "LABEL $LABEL=$INPUTS" - "$BASE_TAG"
}
replace_image "$BASE_TAG" import_base

# Laid out like the official docker:cli image, which build/Dockerfile copies from.
CLIFS="$WORK/cli"
mkdir -p "$CLIFS/usr/local/bin" "$CLIFS/usr/local/libexec/docker/cli-plugins"
install -m 0755 "$DOCKER_CLI" "$CLIFS/usr/local/bin/docker"
say "importing $CLI_TAG ($("$DOCKER_CLI" --version))"
import_cli() { tar --numeric-owner -C "$CLIFS" -c . | "$DOCKER" import --change "LABEL $LABEL=$INPUTS" - "$CLI_TAG"; }
replace_image "$CLI_TAG" import_cli

# The images must run: a binary that cannot find a library fails here, not in the bot's build.
got="$("$DOCKER" run --rm --network none "$BASE_TAG" node -e 'process.stdout.write(process.version)')"
case "$got" in v24.*) ;; *) die "$BASE_TAG does not run Node 24 (got '$got')" ;; esac
say "done: $BASE_TAG runs node $got; $CLI_TAG holds /usr/local/bin/docker"
