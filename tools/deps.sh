#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what gosync needs from Debian 12's archive; idempotent: does
# nothing (not even apt-get update) when every package is present.
# Run as root (or through sudo) on Debian 12 / amd64.
set -euo pipefail

PACKAGES=(
	# building gosync.ko against the stock kernel, and booting that kernel
	linux-headers-amd64 linux-image-amd64
	# debug kernels, checkpatch.pl, kernel-doc, kselftest headers
	linux-source-6.1 xz-utils flex bison bc libelf-dev libssl-dev
	# compilers and tools
	gcc make libc6-dev perl python3 rsync git sparse
	# the VM and its initramfs
	qemu-system-x86 busybox-static
	# benchmark plots
	gnuplot-nox
	# the native build (tools/native): sanitizers, libFuzzer, liburcu,
	# symbolized reports, callgrind
	clang libclang-rt-14-dev llvm liburcu-dev valgrind
)

# A newer kernel's headers, so lint compile-tests gosync's version gates
# (the 6.7 shrinker API, ...). Debian 12 has 6.12 only under versioned
# names (linux-headers-6.12.N+deb12-amd64): take the newest.
newer_headers() { ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -1; }

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ] && [ -n "$(newer_headers)" ]; then
	echo "deps: all ${#PACKAGES[@]} packages and $(basename "$(newer_headers)") present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if [ -z "$(newer_headers)" ]; then
	newer=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V | tail -1)
	[ -n "$newer" ] || { echo "deps: no linux-headers-6.12.*-amd64 in the archive" >&2; exit 1; }
	missing+=("$newer")
fi
echo "deps: installing ${missing[*]}"
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" < /dev/null
echo "deps: done"
