#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Usage: tools/linux-src.sh [linux-source-6.1|linux-source-6.12]
# Extract a Debian linux-source-X.Y tarball (default 6.1) into the
# machine-wide cache (tools/cache.sh: $GOSYNC_CACHE/src), idempotently,
# so every clone shares one tree. Re-extracts only when the installed
# package version changes. Prints the absolute source directory on stdout.
set -euo pipefail

PKG=${1:-linux-source-6.1}
[[ $PKG =~ ^linux-source-[0-9]+\.[0-9]+$ ]] || { echo "usage: $0 [linux-source-X.Y]" >&2; exit 2; }
TARBALL=/usr/src/$PKG.tar.xz
NAME=$PKG

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # cache.sh uses it
REPO=$(git -C "$script_dir" rev-parse --show-toplevel)
# shellcheck source=tools/cache.sh
. "$script_dir/cache.sh"
SRC_ROOT=$GOSYNC_CACHE_DIR/src
DEST=$SRC_ROOT/$NAME
STAMP=$SRC_ROOT/$NAME.stamp

die() { echo "linux-src.sh: error: $*" >&2; exit 1; }

[[ -r $TARBALL ]] || die "$TARBALL missing (apt-get install $PKG)"
version=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null) ||
    die "package $PKG not installed"
[[ -n $version ]] || die "cannot determine $PKG version"

mkdir -p "$SRC_ROOT"
# Serialise concurrent callers (e.g. two kernel builds started in parallel).
exec 9> "$SRC_ROOT/.$NAME.lock"
flock 9

# Complete = stamp matches the package version and the tree looks sane.
if [[ -f $STAMP && "$(cat "$STAMP")" == "$version" && -f $DEST/Makefile ]]; then
    echo "$DEST"
    exit 0
fi

echo "linux-src.sh: extracting $TARBALL ($PKG $version)..." >&2
start=$SECONDS
# Invalidate the stamp first so an interrupted run never looks complete,
# and drop leftovers of earlier interrupted runs (we hold the lock).
rm -f "$STAMP"
rm -rf "$SRC_ROOT"/.extract.* "$SRC_ROOT"/.old.*
tmp=$(mktemp -d "$SRC_ROOT/.extract.XXXXXX")
tar_pid=
cleanup() {
    if [[ -n $tar_pid ]]; then kill "$tar_pid" 2> /dev/null || true; wait "$tar_pid" 2> /dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tar -xJf "$TARBALL" -C "$tmp" &
tar_pid=$!
wait "$tar_pid"
tar_pid=
[[ -f $tmp/$NAME/Makefile ]] || die "unexpected tarball layout (no $NAME/Makefile)"
if [[ -e $DEST ]]; then
    old=$(mktemp -d "$SRC_ROOT/.old.XXXXXX")
    mv "$DEST" "$old/"
    rm -rf "$old"
fi
mv "$tmp/$NAME" "$DEST"
printf '%s\n' "$version" > "$STAMP.tmp"
mv "$STAMP.tmp" "$STAMP"
echo "linux-src.sh: extracted in $((SECONDS - start))s" >&2
echo "$DEST"
