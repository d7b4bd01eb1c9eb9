# SPDX-License-Identifier: GPL-2.0
#
# gosync. The two commands a newcomer needs:
#	make demo	install what is missing, build, boot the stock kernel,
#			load gosync.ko and a consumer, show what it offers
#	make check	lint, build, and every suite on the stock, debug and
#			kcsan kernels, plus the harness self-test
# Everything else is below; README.md explains it.

# The kernel to build against: the running kernel's build tree if it has
# one, else the Debian stock headers (linux-headers-amd64).
STOCK_KVER := $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(if $(STOCK_KVER),/usr/src/linux-headers-$(STOCK_KVER)))
# Debian's headers have no vmlinux to build BTF from: say so once, not per module.
KBUILD_OPTS := W=1 CONFIG_DEBUG_INFO_BTF_MODULES=

KERNEL ?= stock
SUITES ?= modules kselftest kunit
BENCH_KERNEL ?= stock
PYTHON ?= python3

.PHONY: all modules clean deps selftests lint demo check check-harness bench run help print-kdir \
	native native-bench native-callgrind

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: run 'make deps' or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_OPTS) modules

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build/selftests build/mod build/vm build/results build/bench build/native

# Static kselftest programs, one per selftests/<dir>/<name>_test.c, built
# with kselftest.h / kselftest_harness.h from the linux-source-6.1 package.
SELFTEST_SRCS := $(wildcard selftests/*/*_test.c)
SELFTEST_BINS := $(patsubst selftests/%.c,build/selftests/%,$(SELFTEST_SRCS))
SELFTEST_CFLAGS := -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -static -pthread

selftests: $(SELFTEST_BINS)

build/selftests/.kselftest-dir:
	@mkdir -p $(@D)
	@echo "$$(tools/linux-src.sh)/tools/testing/selftests" > $@

build/selftests/%: selftests/%.c $(wildcard selftests/lib/*.h) build/selftests/.kselftest-dir
	@mkdir -p $(@D)
	$(CC) $(SELFTEST_CFLAGS) -I$$(cat build/selftests/.kselftest-dir) -Iselftests/lib \
		-o $@ $< -lpthread

deps:
	tools/deps.sh

lint:
	tools/lint.sh

demo: deps
	tools/demo.sh

check: deps
	tools/check.sh

check-harness: deps
	tools/check.sh harness

# One kernel, chosen suites: make run KERNEL=debug SUITES="kselftest kunit"
run: selftests
	$(PYTHON) tools/vm/run.py --kernel $(KERNEL) --suites "$(SUITES)"

# Benchmarks on one kernel (stock by default: KASAN and lockdep distort
# timings): build/bench/results.csv, one PNG per case, a table.
bench: selftests
	tools/bench/run.sh $(BENCH_KERNEL)

# The library code in userspace (tools/native): KUnit suites under TSan and
# ASan+UBSan, and the fuzzers; real-CPU benchmarks; instruction counts.
native:
	$(MAKE) -C tools/native test fuzz
native-bench:
	$(MAKE) -C tools/native bench
native-callgrind:
	$(MAKE) -C tools/native callgrind

help:
	@sed -n '3,9p' Makefile
	@echo "	make [KDIR=...]	build gosync.ko against KDIR (default $(KDIR))"
	@echo "	make run KERNEL=stock|debug|kcsan SUITES=\"modules kselftest kunit\""
	@echo "	make native | native-bench | native-callgrind (userspace build)"
	@echo "	make bench [BENCH_KERNEL=stock]"
	@echo "	make lint | selftests | check-harness | deps | clean"

print-kdir:
	@echo $(KDIR)
