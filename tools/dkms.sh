#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/dkms.sh [KERNEL...]: build and install gosync through dkms, as on a
# user's machine, for each KERNEL: a release with /lib/modules/<release>/build,
# or a kernel build tree anywhere (a directory with a Makefile and
# include/config/kernel.release), which dkms gets with --kernelsourcedir.
# Without arguments: every /lib/modules/*/build.
#
# The source tree is `make dkms-source`'s, added with `dkms add <dir>`, so
# dkms.conf's own PACKAGE_VERSION names it. Then, per kernel, `dkms build`
# and `dkms install`, and the checks: gosync.ko's vermagic names the
# kernel, its version is the package's, Module.symvers was kept, and
# gosync.ko is all that was built and installed. One line per kernel:
#	PASS dkms/<kver> built gosync.ko (<vermagic>)
#	FAIL dkms/<kver> <reason> (log: build/logs/dkms-<kver>.log)
# and a non-zero exit on any FAIL. dkms's output is kept in that log.
# With GOSYNC_DKMS_OUT=<dir>, each installed gosync.ko is also copied to
# <dir>/<kver>/ (make check boots the stock kernel's).
#
# Runs as root (dkms add and install insist) but touches nothing outside a
# temporary directory: private --dkmstree, --sourcetree and --installtree,
# no depmod, and a throwaway key for dkms to sign with.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
LOGDIR=build/logs
mkdir -p "$LOGDIR"
failed=0

result() { # kver PASS|FAIL text
	echo "$2 dkms/$1 $3"
	[ "$2" = PASS ] || failed=1
}

command -v dkms >/dev/null || { result setup FAIL "no dkms (apt-get install dkms)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gosync-dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/dkms" "$tmp/src" "$tmp/modules"
dkms_opts=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src" --installtree "$tmp/modules" --no-depmod)
# Without these dkms creates its signing key in /var/lib/dkms.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub TMPDIR=$tmp

version=$(make -s --no-print-directory print-version)
make -s --no-print-directory dkms-source DESTDIR="$tmp/stage" PREFIX=/usr >/dev/null
log=$LOGDIR/dkms-add.log
if ! dkms add "${dkms_opts[@]}" "$tmp/stage/usr/src/gosync-$version" >"$log" 2>&1; then
	result add FAIL "dkms add failed (log: $log)"
	exit 1
fi

# The release a kernel build tree builds for: UTS_RELEASE, as in vermagic
# (in Debian's 6.1 headers kernel.release holds the upstream version).
release_of() { # dir
	local uts=$1/include/generated/utsrelease.h
	if [ -r "$uts" ]; then
		sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$uts"
	else
		cat "$1/include/config/kernel.release"
	fi
}

# Builds and installs for one kernel, checks the result; prints the
# vermagic, or why it failed.
build_one() { # kver log [dkms options]
	local kver=$1 log=$2 dir ko mods vermagic v installed
	shift 2
	dir=$tmp/dkms/gosync/$version/$kver/$(uname -m)
	# Named twice (as a release, then as a tree): build it again.
	if [ -d "$dir" ]; then
		dkms unbuild -m gosync -v "$version" -k "$kver" "${dkms_opts[@]}" >>"$log" 2>&1
	fi
	if ! dkms build -m gosync -v "$version" -k "$kver" "${dkms_opts[@]}" "$@" >>"$log" 2>&1; then
		cat "$tmp/dkms/gosync/$version/build/make.log" >>"$log" 2>/dev/null || true
		echo "dkms build failed"
		return 1
	fi
	cat "$dir/log/make.log" >>"$log" 2>/dev/null || true
	mods=$(cd "$dir/module" 2>/dev/null && find . -type f -printf '%P ' | sort)
	if [[ ! $mods =~ ^gosync\.ko(\.(gz|xz|zst))?\ $ ]]; then
		echo "built '${mods% }', not gosync.ko alone"
		return 1
	fi
	ko=$dir/module/${mods% }
	vermagic=$(modinfo -F vermagic "$ko")
	vermagic=${vermagic%"${vermagic##*[! ]}"}
	if [ "${vermagic%% *}" != "$kver" ]; then
		echo "vermagic '$vermagic' is not for $kver"
		return 1
	fi
	v=$(modinfo -F version "$ko")
	if [ "$v" != "$version" ]; then
		echo "module version '$v' is not the package's $version"
		return 1
	fi
	if ! awk -F'\t' '$2 == "gosync_version" && $5 == "GOSYNC" { ok = 1 } END { exit !ok }' \
		"$dir/Module.symvers" 2>/dev/null; then
		echo "no Module.symvers exporting gosync_version in $dir"
		return 1
	fi
	mkdir -p "$tmp/modules/$kver"
	if ! dkms install -m gosync -v "$version" -k "$kver" "${dkms_opts[@]}" "$@" >>"$log" 2>&1; then
		echo "dkms install failed"
		return 1
	fi
	installed=$(cd "$tmp/modules/$kver" && find . -type f | sort | tr '\n' ' ')
	if [ "$installed" != "./updates/dkms/${ko##*/} " ]; then
		echo "installed '${installed% }', not updates/dkms/${ko##*/} alone"
		return 1
	fi
	echo "$vermagic"
}

if [ $# -eq 0 ]; then
	for b in /lib/modules/*/build; do
		[ -e "$b" ] && set -- "$@" "$(basename "$(dirname "$b")")"
	done
	[ $# -gt 0 ] || { result setup FAIL "no /lib/modules/*/build: name a kernel"; exit 1; }
fi

for k in "$@"; do
	src=()
	if [ -d "$k" ]; then
		if [ ! -f "$k/Makefile" ] || [ ! -f "$k/include/config/kernel.release" ]; then
			result "$k" FAIL "not a kernel build tree (no Makefile or include/config/kernel.release)"
			continue
		fi
		kdir=$(cd "$k" && pwd)
		kver=$(release_of "$kdir")
		src=(--kernelsourcedir "$kdir")
	else
		kver=$k
		if [ ! -e "/lib/modules/$kver/build" ]; then
			result "$kver" FAIL "no /lib/modules/$kver/build: give the kernel build tree"
			continue
		fi
	fi
	log=$LOGDIR/dkms-$kver.log
	echo "tools/dkms.sh: gosync $version for $kver${src:+ in ${src[1]}}, $(date)" >"$log"
	start=$SECONDS
	if out=$(build_one "$kver" "$log" "${src[@]}"); then
		result "$kver" PASS "built gosync.ko ($out)"
		if [ -n "${GOSYNC_DKMS_OUT:-}" ]; then
			mkdir -p "$GOSYNC_DKMS_OUT/$kver"
			cp "$tmp/modules/$kver"/updates/dkms/gosync.ko* "$GOSYNC_DKMS_OUT/$kver/"
		fi
	else
		result "$kver" FAIL "$out (log: $log)"
	fi
	echo "tools/dkms.sh: $((SECONDS - start)) s" >>"$log"
done
exit "$failed"
