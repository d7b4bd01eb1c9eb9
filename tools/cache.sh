# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Sourced by tools/kernel/build.sh and tools/linux-src.sh: the machine-wide
# cache of extracted kernel sources and built kernels, shared by every
# clone on the machine. $GOSYNC_CACHE overrides /var/cache/gosync; where
# that cannot be written (not root), the clone's build/cache is used.
# Sets GOSYNC_CACHE_DIR; needs REPO.
gosync_cache_dir() {
	local d=${GOSYNC_CACHE:-/var/cache/gosync}

	if ! mkdir -p "$d" 2> /dev/null || [[ ! -w $d ]]; then
		[[ -z ${GOSYNC_CACHE:-} ]] || echo "cache: $d is not writable; using $REPO/build/cache" >&2
		d=$REPO/build/cache
		mkdir -p "$d"
	fi
	# shellcheck disable=SC2034 # for the script that sources this
	GOSYNC_CACHE_DIR=$(cd "$d" && pwd)
}
gosync_cache_dir
