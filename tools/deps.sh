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

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" < /dev/null
echo "deps: done"
