#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build gosync.ko, boot Debian's stock kernel under QEMU, load
# gosync.ko and a consumer module, and show what gosync offers: its debugfs
# tree, a short stress run, refused bad input, and a benchmark table.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"

echo "=== building gosync.ko against $(make -s --no-print-directory print-kdir)"
make --no-print-directory modules 2>&1 | grep -E 'LD \[M\]|warning|error' || true
echo
echo "=== booting the stock kernel with 4 vCPUs (QEMU, software emulation: ~30 s)"
mkdir -p build/demo
rm -f build/demo/bench.csv
python3 tools/vm/run.py --kernel stock --suites "demo bench" --tag demo --show \
	--bench-threads "1 2 4" --bench-ms 300 --bench-csv build/demo/bench.csv
echo
echo "=== bench (in-VM, TCG: read the ratios, not the absolute figures)"
python3 tools/bench/report.py build/demo/bench.csv --out build/demo
echo
echo "Next: 'make check' runs the suites on every kernel of the matrix"
echo "($(tools/kernel/build.sh --list | tr '\n' ' ' | sed 's/ $//'));"
echo "README.md explains how to use gosync from your module."
