#!/usr/bin/env bash
# Fills artifacts/ (gitignored) with what the Dockerfile COPYs, since no registry or Go image is
# reachable where this builds:
#   artifacts/<arch>/busybox   Debian's static busybox for the arch (rootfs; not UPX-packed: a
#                              packed busybox dies with SIGILL/SIGSEGV under qemu-user)
#   artifacts/<arch>/routerd   the daemon, cross-compiled with Go (CGO_ENABLED=0), UPX-packed
#   artifacts/<arch>/modgen    the build-stage tool that emits feature modules (not shipped)
#   artifacts/ca-certificates.crt  the host's CA bundle
# <arch> is Docker's TARGETARCH: amd64, arm64, arm (= linux/arm/v7, GOARM=7, Debian armhf).
# Outputs are reproducible and cached by input hash in $BUMPGUARD_CACHE/example-artifacts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${BUMPGUARD_CACHE:-/var/cache/bumpguard}"
out="$here/artifacts"
ARCHES=(amd64:amd64 arm64:arm64 arm:armhf)

die() { printf 'prepare: %s\n' "$*" >&2; exit 1; }
# No module downloads (routerd has no dependencies) and a cache even where HOME is unset (CI).
export GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-${HOME:+$HOME/.cache/go-build}}" GOPATH="${GOPATH:-${HOME:+$HOME/go}}"
[ -n "$GOCACHE" ] || export GOCACHE="$cache/go-build"
[ -n "$GOPATH" ] || export GOPATH="$cache/gopath"
command -v go >/dev/null || die "go not found: run scripts/setup-host.sh (installs golang-go)"
command -v upx >/dev/null || die "upx not found: run scripts/setup-host.sh (installs upx-ucl)"
ca=/etc/ssl/certs/ca-certificates.crt
[ -r "$ca" ] || die "$ca missing: apt-get install ca-certificates"
for pair in "${ARCHES[@]}"; do
  [ -x "$cache/busybox/${pair#*:}/busybox" ] || die "no busybox for ${pair#*:} in $cache/busybox: run scripts/setup-host.sh"
done

key="$( {
  cd "$here/routerd" && find . -type f | LC_ALL=C sort | xargs sha256sum
  for f in "$here/prepare.sh" "$ca" "$cache"/busybox/*/busybox; do sha256sum <"$f"; done # contents, not paths
  go version; upx --version | head -1
} | sha256sum | cut -c1-16)"
stash="$cache/example-artifacts/$key"

if [ ! -f "$stash/.complete" ]; then
  tmp="$(mktemp -d "$cache/example-artifacts.XXXXXX")"; chmod 755 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  for pair in "${ARCHES[@]}"; do
    arch="${pair%%:*}" deb="${pair#*:}"
    mkdir -p "$tmp/$arch"
    for cmd in routerd:. modgen:./cmd/modgen; do
      # -trimpath and an empty build id keep the bytes identical across machines and runs.
      (cd "$here/routerd" && CGO_ENABLED=0 GOOS=linux GOARCH="$arch" GOARM=7 \
        go build -trimpath -ldflags='-s -w -buildid=' -o "$tmp/$arch/${cmd%%:*}" "${cmd#*:}")
    done
    cp "$cache/busybox/$deb/busybox" "$tmp/$arch/busybox"
    upx -q -q --lzma "$tmp/$arch/routerd" >/dev/null
    printf 'prepare: built %s (routerd %s bytes packed)\n' "$arch" "$(stat -c %s "$tmp/$arch/routerd")"
  done
  cp "$ca" "$tmp/ca-certificates.crt"
  touch "$tmp/.complete"
  mkdir -p "$cache/example-artifacts"
  rm -rf "$stash"
  mv "$tmp" "$stash"
  trap - EXIT
fi

rm -rf "$out"
cp -a "$stash" "$out"
rm -f "$out/.complete"
printf 'prepare: artifacts ready in %s (cache key %s)\n' "$out" "$key"
