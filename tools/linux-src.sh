#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Extract the Debian linux-source-6.1 tarball into $REPO/build/src (idempotent).
# Re-extracts only when the installed package version changes.
# Prints the absolute source directory on stdout.
set -euo pipefail

PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
NAME=linux-source-6.1

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(git -C "$script_dir" rev-parse --show-toplevel)
SRC_ROOT=$REPO/build/src
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
