#!/usr/bin/env bash
# Builds the bot's own image from build/Dockerfile.
#
#   bash scripts/build-bot-image.sh [--tag TAG]           official node:24-slim + docker:28-cli, npm ci
#                                                         inside the build (needs a container registry
#                                                         and the npm registry; same as `docker build
#                                                         -f build/Dockerfile .`)
#   bash scripts/build-bot-image.sh --local [--tag TAG]   no container registry (our CI): bases from
#                                                         scripts/make-local-base-image.sh, production
#                                                         node_modules installed by the host's npm
#
# --local works in a temporary build context (the files .dockerignore admits plus .image-deps/),
# so the working tree is never touched. The dependencies come from `npm ci --omit=dev` against the
# committed lockfile with --prefer-offline: after the `npm ci` of the set-up, every tarball is in
# the npm cache and nothing is downloaded. The build itself runs with --network none.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DOCKER="${BUMPGUARD_DOCKER:-/usr/bin/docker}"
[ -x "$DOCKER" ] || DOCKER=docker
TAG=bumpguard:dev
LOCAL=0

say() { printf 'build-bot-image: %s\n' "$*"; }
die() { printf 'build-bot-image: ERROR: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --local) LOCAL=1 ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; TAG="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
  shift
done

export DOCKER_BUILDKIT=1
if [ "$LOCAL" = 0 ]; then
  say "docker build -f build/Dockerfile -t $TAG $ROOT"
  exec "$DOCKER" build -f "$ROOT/build/Dockerfile" -t "$TAG" "$ROOT"
fi

bash "$ROOT/scripts/make-local-base-image.sh"

CTX="$(mktemp -d)"
trap 'rm -rf "$CTX"' EXIT
cp -R "$ROOT/package.json" "$ROOT/package-lock.json" "$ROOT/.dockerignore" "$ROOT/bin" "$ROOT/src" "$CTX/"
mkdir -p "$CTX/build" "$CTX/.image-deps"
cp "$ROOT/build/Dockerfile" "$CTX/build/Dockerfile"
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$CTX/.image-deps/"

say "npm ci --omit=dev (host npm $(npm --version), offline when the cache has every tarball)"
(cd "$CTX/.image-deps" && npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error) \
  || die "npm ci --omit=dev failed: run \`npm ci\` in $ROOT first so the npm cache holds the lockfile's packages"

say "docker build --network none -t $TAG (BASE_IMAGE=bumpguard-local/node:24, DEPS=context, SSH_CLIENT=none)"
"$DOCKER" build --network none -f "$CTX/build/Dockerfile" \
  --build-arg BASE_IMAGE=bumpguard-local/node:24 \
  --build-arg DOCKER_CLI_IMAGE=bumpguard-local/docker-cli:host \
  --build-arg DEPS=context \
  --build-arg SSH_CLIENT=none \
  -t "$TAG" "$CTX"
say "done: $TAG ($("$DOCKER" image inspect -f '{{.Size}}' "$TAG" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
