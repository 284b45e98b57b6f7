#!/bin/sh
# Prints the Go build tags of the router build (no Go toolchain in this stage: a prebuilt featuretags).
set -eu

tags=$(./tools/featuretags --min --add=osrouter)
# Opt features back in; `,\?` also eats the comma before the tag.
tags=$(echo "$tags" | sed 's/,\?ts_omit_useroutes//')
tags=$(echo "$tags" | sed -E -e 's/ts_omit_(gro|netstack),?//g' \
  -e 's/^/ts_include_cli,/')
echo "$tags"
