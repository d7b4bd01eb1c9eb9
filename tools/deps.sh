#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what gosync needs from Debian 12's archive; idempotent: does
# nothing (not even apt-get update) when every package is present.
# Run as root (or through sudo) on Debian 12 / amd64.
set -euo pipefail

PACKAGES=(
	# debug kernels, checkpatch.pl, kernel-doc, kselftest headers
	xz-utils flex bison bc libelf-dev libssl-dev
	# compilers and tools
	gcc make libc6-dev perl python3 rsync git sparse
	# the VM and its initramfs
	qemu-system-x86 busybox-static
	# benchmark plots
	gnuplot-nox
	# the native build (tools/native): sanitizers, libFuzzer, liburcu,
	# symbolized reports, callgrind
	clang libclang-rt-14-dev llvm liburcu-dev valgrind
	# Go's channels, gosync_chan's native peer (tools/native/bench/go)
	golang-go
	# DKMS builds of gosync for each kernel's headers
	dkms
)

# Each kernel of the matrix names its own packages (tools/kernel/*.kernel:
# images, headers, sources). A glob (linux-image-6.12.*+deb12-amd64: Debian
# 12 has 6.12 only under versioned names) is met by any installed match,
# else the archive's newest match is installed.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
globs=()
for k in $("$HERE/kernel/build.sh" --list); do
	for p in $("$HERE/kernel/build.sh" --get "$k" PACKAGES); do
		case $p in
		*'*'*) globs+=("$p") ;;
		*) PACKAGES+=("$p") ;;
		esac
	done
done

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
installed_glob() { # glob: is a package matching it installed?
	dpkg-query -W -f='${Status} ${Package}\n' "$1" 2>/dev/null | grep -q '^install ok installed '
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
missing_globs=()
for g in "${globs[@]}"; do
	installed_glob "$g" || missing_globs+=("$g")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_globs[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages and ${#globs[@]} kernel packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
for g in "${missing_globs[@]}"; do
	re="^$(sed 's/[.+]/\\&/g; s/\*/.*/g' <<< "$g")\$"
	newest=$(apt-cache search --names-only "$re" | awk '{print $1}' | sort -V | tail -1)
	[ -n "$newest" ] || { echo "deps: nothing matches $g in the archive" >&2; exit 1; }
	missing+=("$newest")
done
echo "deps: installing ${missing[*]}"
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" < /dev/null
echo "deps: done"
