#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.conf's POST_BUILD, run in dkms's build tree once gosync.ko is built:
# copies Module.symvers to DIR, dkms's directory for this version, kernel
# and arch (/var/lib/dkms/gosync/<version>/<kernel>/<arch>/), where a
# consumer module's KBUILD_EXTRA_SYMBOLS finds it (README.md, "Installing").
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
cp Module.symvers "$1/"
