#!/usr/bin/env bash
# Prepares a bare Debian 12 host for bumpguard's real builds (called by .ci/run; safe to re-run):
#   - Debian's docker.io engine (BuildKit via DOCKER_BUILDKIT=1) and docker-compose (1.29, runs
#     build/compose.yaml), qemu-user-static + binfmt for
#     foreign-arch builds and runs, Go 1.19 (cross-compiles the example daemon), UPX, busybox-static;
#   - static busybox for amd64/arm64/armhf in $BUMPGUARD_CACHE/busybox/<arch>/busybox (the example
#     image's rootfs; no registry is reachable, so every image is FROM scratch);
#   - dockerd started in the background when it is not running;
#   - openssh-server for its sshd binary only: the ssh:// engine test starts its own sshd on a
#     loopback port with a throwaway key and config; the package's service is never started;
#   - a check that an arm64 and an arm/v7 FROM-scratch image builds and runs.
# Second runs skip apt entirely when everything is present and finish in a few seconds.
set -euo pipefail

CACHE="${BUMPGUARD_CACHE:-/var/cache/bumpguard}"
DOCKER=/usr/bin/docker
DOCKERD_LOG="${BUMPGUARD_DOCKERD_LOG:-/var/log/bumpguard-dockerd.log}"
PACKAGES=(docker.io docker-compose qemu-user-static binfmt-support busybox-static golang-go upx-ucl git ca-certificates)
BACKPORTS_LIST=/etc/apt/sources.list.d/bumpguard-bookworm-backports.list
FOREIGN=(arm64 armhf)

say() { printf 'setup-host: %s\n' "$*"; }
die() { printf 'setup-host: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get, dockerd and binfmt_misc need it)"
export DEBIAN_FRONTEND=noninteractive

apt_updated=0
apt_update() {
  [ "$apt_updated" = 1 ] && return 0
  say "apt-get update"
  # A Debian mirror mid-sync can fail one index; carry on and let the installs below decide.
  if ! apt-get update -q >/tmp/bumpguard-apt-update.log 2>&1; then
    say "apt-get update reported errors (tolerated; see /tmp/bumpguard-apt-update.log):"
    grep -E '^(E|W):' /tmp/bumpguard-apt-update.log | head -5 || true
  fi
  apt_updated=1
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" = 0 ]; then say "packages present: ${PACKAGES[*]}"; return; fi
  apt_update
  # Bookworm dropped upx-ucl from main; bookworm-backports carries it (UPX 4.2, packs arm64/armhf too).
  if printf '%s\n' "${missing[@]}" | grep -qx upx-ucl && ! apt-cache show upx-ucl >/dev/null 2>&1; then
    say "adding bookworm-backports for upx-ucl ($BACKPORTS_LIST)"
    echo 'deb http://deb.debian.org/debian bookworm-backports main' >"$BACKPORTS_LIST"
    apt_updated=0; apt_update
  fi
  local targets=()
  for p in "${missing[@]}"; do
    if [ "$p" = upx-ucl ] && [ -e "$BACKPORTS_LIST" ]; then targets+=(upx-ucl/bookworm-backports); else targets+=("$p"); fi
  done
  say "apt-get install ${targets[*]}"
  apt-get install -y -q --no-install-recommends "${targets[@]}" >/tmp/bumpguard-apt-install.log 2>&1 \
    || { tail -20 /tmp/bumpguard-apt-install.log >&2; die "apt-get install ${targets[*]} failed"; }
}

fetch_busybox() {
  mkdir -p "$CACHE/busybox/amd64"
  if [ ! -x "$CACHE/busybox/amd64/busybox" ]; then
    say "busybox amd64 <- /bin/busybox (busybox-static)"
    install -m 0755 /bin/busybox "$CACHE/busybox/amd64/busybox"
  fi
  local need=()
  for a in "${FOREIGN[@]}"; do [ -x "$CACHE/busybox/$a/busybox" ] || need+=("$a"); done
  [ "${#need[@]}" = 0 ] && { say "busybox cached for amd64 ${FOREIGN[*]} in $CACHE/busybox"; return; }
  for a in "${FOREIGN[@]}"; do
    dpkg --print-foreign-architectures | grep -qx "$a" || { say "dpkg --add-architecture $a"; dpkg --add-architecture "$a"; apt_updated=0; }
  done
  apt_update
  local tmp; tmp="$(mktemp -d)"; chmod 755 "$tmp" # apt downloads as _apt
  for a in "${need[@]}"; do
    say "apt-get download busybox-static:$a"
    if ! (cd "$tmp" && apt-get download -q "busybox-static:$a" >/dev/null); then
      # The $a index may be the one a syncing mirror failed to serve: refresh once and retry.
      apt_updated=0; apt_update
      (cd "$tmp" && apt-get download -q "busybox-static:$a" >/dev/null) || die "apt-get download busybox-static:$a failed"
    fi
    dpkg-deb -x "$tmp"/busybox-static_*_"$a".deb "$tmp/$a"
    mkdir -p "$CACHE/busybox/$a"
    install -m 0755 "$tmp/$a/bin/busybox" "$CACHE/busybox/$a/busybox"
  done
  rm -rf "$tmp"
}

setup_binfmt() {
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    say "mount binfmt_misc"
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || [ ! -e /proc/sys/fs/binfmt_misc/qemu-arm ]; then
    say "update-binfmts --enable"
    update-binfmts --enable >/dev/null 2>&1 || true # per-format errors are checked just below
    for f in qemu-aarch64 qemu-arm; do
      [ -e "/proc/sys/fs/binfmt_misc/$f" ] || update-binfmts --enable "$f" || die "binfmt $f could not be registered"
    done
  fi
  # Containers see a different root: only a fix-binary (F) registration finds the interpreter.
  grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 || die "qemu-aarch64 binfmt lacks the F flag"
  say "binfmt: qemu-aarch64 and qemu-arm registered"
}

install_sshd() {
  if [ -x /usr/sbin/sshd ]; then say "sshd present (openssh-server)"
  else
    apt_update
    # A policy-rc.d answering 101 keeps the package's postinst from starting the system sshd.
    local policy=/usr/sbin/policy-rc.d ours=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 0755 "$policy"; ours=1; fi
    say "apt-get install openssh-server (its service is not started)"
    if ! apt-get install -y -q --no-install-recommends openssh-server >/tmp/bumpguard-apt-sshd.log 2>&1; then
      [ "$ours" = 1 ] && rm -f "$policy"
      tail -20 /tmp/bumpguard-apt-sshd.log >&2
      die "apt-get install openssh-server failed"
    fi
    [ "$ours" = 1 ] && rm -f "$policy"
    # Nor at the next boot: only the binary is wanted here.
    if command -v systemctl >/dev/null; then systemctl disable ssh.service >/dev/null 2>&1 || true; fi
  fi
  # sshd started as root needs its privilege-separation directory, which the service creates at boot.
  mkdir -p /run/sshd
}

start_dockerd() {
  if "$DOCKER" info >/dev/null 2>&1; then say "dockerd already running"; return; fi
  say "starting dockerd (log: $DOCKERD_LOG)"
  # setsid: the engine must outlive this script and the shell that ran it.
  setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && { say "dockerd is up"; return; }
    sleep 1
  done
  tail -20 "$DOCKERD_LOG" >&2
  die "dockerd did not answer 'docker info' within 60 s"
}

verify_foreign_builds() {
  local ctx; ctx="$(mktemp -d)"
  mkdir -p "$ctx/arm64" "$ctx/arm"
  cp "$CACHE/busybox/arm64/busybox" "$ctx/arm64/busybox"
  cp "$CACHE/busybox/armhf/busybox" "$ctx/arm/busybox"
  # TARGETARCH is set by BuildKit per --platform; RUN proves qemu works inside builds too.
  printf '%s\n' 'FROM scratch' 'ARG TARGETARCH' 'COPY ${TARGETARCH}/busybox /bin/busybox' \
    'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /tmp && /bin/busybox uname -m > /arch"]' \
    'ENTRYPOINT ["/bin/busybox"]' >"$ctx/Dockerfile"
  local plat want got
  for plat in linux/arm64:aarch64 linux/arm/v7:armv7l; do
    want="${plat#*:}"; plat="${plat%%:*}"
    DOCKER_BUILDKIT=1 "$DOCKER" build -q --network none --platform "$plat" -t bumpguard-setup-check "$ctx" >/dev/null \
      || die "building a FROM scratch busybox image for $plat failed"
    got="$("$DOCKER" run --rm --network none --platform "$plat" bumpguard-setup-check cat /arch)"
    [ "$got" = "$want" ] || die "$plat image reports machine '$got', expected '$want'"
    "$DOCKER" rmi bumpguard-setup-check >/dev/null
    say "verified: $plat FROM scratch image builds and runs ($got under qemu-user)"
  done
  rm -rf "$ctx"
}

install_packages
install_sshd
fetch_busybox
setup_binfmt
start_dockerd
verify_foreign_builds
say "done: $("$DOCKER" version -f 'engine {{.Server.Version}}'), docker-compose $(docker-compose version --short), $(go version | cut -d' ' -f3), $(upx --version | head -1)"
