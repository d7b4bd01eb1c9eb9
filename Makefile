# SPDX-License-Identifier: GPL-2.0
#
# gosync. The two commands a newcomer needs:
#	make demo	install what is missing, build, boot the stock kernel,
#			load gosync.ko and a consumer, show what it offers
#	make check	lint, build, and every suite on each kernel of the
#			matrix (tools/kernel/*.kernel), plus the harness self-test
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

.PHONY: all modules clean clean-cache deps selftests kselftest-install lint docs demo check check-harness bench run help print-kdir \
	native native-bench native-callgrind install uninstall dkms-source print-version

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: run 'make deps' or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_OPTS) modules
	$(MAKE) -C selftests/consumer KDIR=$(KDIR) $(KBUILD_OPTS)

# Installing (README.md, "Installing"). KVER is the release KDIR builds
# for, from its utsrelease.h: in Debian's 6.1 headers kernel.release holds
# the upstream version instead. Staging: everything lands under $(DESTDIR)
# (or INSTALL_MOD_PATH, the kernel's name for it), and depmod runs only
# without either.
hash := \#
GOSYNC_VERSION := $(shell awk '$$1 == "$(hash)define" { v[$$2] = $$3 } \
	END { print v["GOSYNC_VERSION_MAJOR"] "." v["GOSYNC_VERSION_MINOR"] "." v["GOSYNC_VERSION_PATCH"] }' \
	include/gosync/gosync.h)
KVER = $(shell sed -n 's/^$(hash)define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
check_kver = @test -n "$(KVER)" || { echo "no kernel build tree at KDIR='$(KDIR)': run 'make deps' or set KDIR=" >&2; exit 1; }
PREFIX ?= /usr
INSTALL_ROOT = $(if $(DESTDIR)$(INSTALL_MOD_PATH),$(abspath $(DESTDIR)$(INSTALL_MOD_PATH)))
GOSYNC_SRC = $(INSTALL_ROOT)$(PREFIX)/src/gosync-$(GOSYNC_VERSION)
# modules_install signs with KDIR's certs/signing_key.x509: distribution
# headers have none, and signing would only print an error.
NO_SIGN = $(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)
GOSYNC_HEADERS := $(notdir $(wildcard include/gosync/*.h))
# What dkms needs to build gosync.ko: `make dkms-source` copies it.
DKMS_FILES := dkms.conf Kbuild tools/dkms-post-build.sh kmod/gen-list.sh include/gosync/*.h \
	$(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h

# gosync.ko alone (Kbuild: GOSYNC_INSTALL=1) to /lib/modules/KVER/extra/,
# the headers to /usr/src/gosync-VERSION/include/gosync/ and Module.symvers
# to /usr/src/gosync-VERSION/KVER/.
install:
	$(check_kver)
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_OPTS) GOSYNC_INSTALL=1 modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) GOSYNC_INSTALL=1 KERNELRELEASE=$(KVER) \
		INSTALL_MOD_PATH=$(INSTALL_ROOT) INSTALL_MOD_DIR=extra $(NO_SIGN) modules_install
	install -d $(GOSYNC_SRC)/include/gosync $(GOSYNC_SRC)/$(KVER)
	install -m 0644 $(addprefix include/gosync/,$(GOSYNC_HEADERS)) $(GOSYNC_SRC)/include/gosync/
	install -m 0644 Module.symvers $(GOSYNC_SRC)/$(KVER)/
	$(if $(INSTALL_ROOT),,depmod -a $(KVER))

# Removes what install put there; the headers stay while a dkms source tree
# (dkms.conf) shares their directory.
uninstall:
	$(check_kver)
	rm -f $(INSTALL_ROOT)/lib/modules/$(KVER)/extra/gosync.ko*
	rm -f $(GOSYNC_SRC)/$(KVER)/Module.symvers
	test -e $(GOSYNC_SRC)/dkms.conf || rm -f $(addprefix $(GOSYNC_SRC)/include/gosync/,$(GOSYNC_HEADERS))
	for d in $(INSTALL_ROOT)/lib/modules/$(KVER)/extra $(GOSYNC_SRC)/$(KVER) \
		$(GOSYNC_SRC)/include/gosync $(GOSYNC_SRC)/include $(GOSYNC_SRC); do \
		[ ! -d $$d ] || rmdir --ignore-fail-on-non-empty $$d; done
	$(if $(INSTALL_ROOT),,depmod -a $(KVER))

# The dkms source tree, /usr/src/gosync-VERSION/, for
# `dkms add -m gosync -v VERSION` (`dkms add .` would copy build/ too).
dkms-source:
	rm -rf $(GOSYNC_SRC)/kmod
	install -d $(GOSYNC_SRC)
	@cp --parents -t $(GOSYNC_SRC) $(DKMS_FILES)
	@echo "dkms source tree: $(GOSYNC_SRC)"

# The kernels and sources in the machine-wide cache (tools/cache.sh) stay:
# other clones share them. make clean-cache empties it.
clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@test -z "$(KDIR)" || $(MAKE) -C selftests/consumer KDIR=$(KDIR) clean
	rm -rf build/selftests build/kselftest build/mod build/vm build/results build/bench build/native \
		build/dkms build/kernels build/cache

clean-cache:
	@d=$$(REPO=$(CURDIR) bash -c '. tools/cache.sh && echo $$GOSYNC_CACHE_DIR') && \
		echo "rm -rf $$d/kernels $$d/src" && rm -rf "$$d/kernels" "$$d/src"

# The kselftest programs (selftests/gosync/<area>/<name>_test.c, on the
# kernel's lib.mk from linux-source-6.1), static, into build/selftests/.
# make kselftest-install lays them out as the kernel's kselftest_install.sh
# does, in build/kselftest/: build/kselftest/run_kselftest.sh -c gosync.
# A program left in the old selftests/<area>/ would silently not run.
selftests:
	@stray="$(wildcard selftests/*/*_test.c)"; test -z "$$stray" || \
		{ echo "move to selftests/gosync/<area>/: $$stray" >&2; exit 1; }
	$(MAKE) -C selftests/gosync OUTPUT=$(CURDIR)/build/selftests

kselftest-install:
	$(MAKE) -C selftests/gosync OUTPUT=$(CURDIR)/build/selftests \
		KSFT_INSTALL_PATH=$(CURDIR)/build/kselftest kselftest-install

deps:
	tools/deps.sh

lint:
	tools/lint.sh

# The API reference from include/gosync/'s kerneldoc, by the kernel's
# scripts/kernel-doc: build/docs/man/man9/*.9 (man -l, or
# MANPATH=build/docs/man man gosync_map_store) and build/docs/gosync.rst.
docs:
	tools/docs.sh

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
	@echo "	make install | uninstall [KDIR=...] [DESTDIR=...]; make dkms-source"
	@echo "	make run KERNEL=<$$(tools/kernel/build.sh --list | tr '\n' '|' | sed 's/|$$//')> SUITES=\"modules kselftest kunit\""
	@echo "	make clean-cache	empty the machine-wide kernel cache (make clean keeps it)"
	@echo "	make native | native-bench | native-callgrind (userspace build)"
	@echo "	make bench [BENCH_KERNEL=stock]"
	@echo "	make lint | selftests | kselftest-install | check-harness | deps | clean"
	@echo "	make docs	man pages (section 9) and a reference page in build/docs/"

print-kdir:
	@echo $(KDIR)

print-version:
	@echo $(GOSYNC_VERSION)
