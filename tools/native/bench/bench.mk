# SPDX-License-Identifier: GPL-2.0
#
# Native benchmarks of gosync_map, gosync_pool, gosync_breaker, gosync_barrier,
# gosync_phaser, gosync_once, gosync_sem, gosync_wpool, gosync_pubsub and
# gosync_chan (and Go's channels, go/chan_bench.go, when a Go toolchain
# is there); included by
# tools/native/Makefile, so paths are relative to tools/native. Uses BUILD,
# CC_OPT, CFLAGS_opt and LIB_opt from there (the opt variant: gcc -O2, as
# the kernel is built).
#
#	make -C tools/native bench-build	build/native/bench/{map,pool,breaker,barrier,once,sem,wpool,pubsub,chan}_bench
#						and go_chan_bench (Go's channels)
#	make -C tools/native bench		run them: results.csv, report, ratios
#	make -C tools/native callgrind		instructions per operation
#	make -C tools/native bench-smoke	the whole path in seconds (make
#						check): PASS/FAIL lines, also to
#						NATIVE_RESULTS if set
#
# bench: NATIVE_BENCH_MS (300), NATIVE_BENCH_THREADS ("1 2"),
# NATIVE_BENCH_REPS (3), NATIVE_BENCH_FILTER (cases, comma-separated).
# callgrind: CALLGRIND_OPS (20000), NATIVE_BENCH_FILTER.

NB_DIR := $(BUILD)/bench
NB_BIN := $(NB_DIR)/map_bench
PB_BIN := $(NB_DIR)/pool_bench
BB_BIN := $(NB_DIR)/breaker_bench
BR_BIN := $(NB_DIR)/barrier_bench
OB_BIN := $(NB_DIR)/once_bench
SB_BIN := $(NB_DIR)/sem_bench
WB_BIN := $(NB_DIR)/wpool_bench
PSB_BIN := $(NB_DIR)/pubsub_bench
CB_BIN := $(NB_DIR)/chan_bench
NB_BINS := $(NB_BIN) $(PB_BIN) $(BB_BIN) $(BR_BIN) $(OB_BIN) $(SB_BIN) \
	$(WB_BIN) $(PSB_BIN) $(CB_BIN)
# cds_lfht is linked statically, as the map's objects are: a call into
# either table is a direct call, not a PLT call into a shared object.
NB_LIBS := -Wl,-Bstatic -lurcu-cds -Wl,-Bdynamic
# Count mode fixes the map's hash seed (get_random_u32(), see
# map_bench.c); the timed mode passes the shim's random through.
NB_LDFLAGS := -Wl,--wrap=get_random_u32
# Count mode freezes the breaker's clock (the shim's jiffies), see
# breaker_bench.c; the timed mode passes clock_gettime() through.
BB_LDFLAGS := -Wl,--wrap=clock_gettime

.PHONY: bench-build bench callgrind bench-smoke

bench-build: $(NB_BINS)

# The driver both share: argument parsing, threads, timing, CSV rows.
NB_MAIN := bench/bench_main.c bench/bench_main.h

$(NB_BIN): bench/map_bench.c $(NB_MAIN) $(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) $(NB_LDFLAGS) -o $@ bench/map_bench.c \
		bench/bench_main.c $(LIB_opt) $(NB_LIBS)

$(PB_BIN): bench/pool_bench.c $(NB_MAIN) $(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/pool_bench.c bench/bench_main.c \
		$(LIB_opt)

$(BB_BIN): bench/breaker_bench.c $(KMOD)/test/bench/breaker_bench_peers.h \
		$(REPO)/include/gosync/breaker.h $(NB_MAIN) $(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) $(BB_LDFLAGS) -o $@ bench/breaker_bench.c \
		bench/bench_main.c $(LIB_opt)

$(BR_BIN): bench/barrier_bench.c $(REPO)/include/gosync/barrier.h \
		$(REPO)/include/gosync/phaser.h $(NB_MAIN) $(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/barrier_bench.c bench/bench_main.c \
		$(LIB_opt)

$(OB_BIN): bench/once_bench.c $(REPO)/include/gosync/once.h $(NB_MAIN) \
		$(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/once_bench.c bench/bench_main.c \
		$(LIB_opt)

$(SB_BIN): bench/sem_bench.c $(REPO)/include/gosync/sem.h $(NB_MAIN) \
		$(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/sem_bench.c bench/bench_main.c \
		$(LIB_opt)

$(WB_BIN): bench/wpool_bench.c $(REPO)/include/gosync/wpool.h $(NB_MAIN) \
		$(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/wpool_bench.c bench/bench_main.c \
		$(LIB_opt)

$(PSB_BIN): bench/pubsub_bench.c $(REPO)/include/gosync/pubsub.h $(NB_MAIN) \
		$(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/pubsub_bench.c bench/bench_main.c \
		$(LIB_opt)

$(CB_BIN): bench/chan_bench.c $(REPO)/include/gosync/chan.h $(NB_MAIN) \
		$(filter %.o,$(LIB_opt)) $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC_OPT) $(CFLAGS_opt) -o $@ bench/chan_bench.c bench/bench_main.c \
		$(LIB_opt)

# Go's channels, the native peer of gosync_chan: built with the Go
# toolchain if there is one (Debian's golang-go, tools/deps.sh); without
# it run.sh and smoke.sh say they skip it. Its build cache stays in
# build/native (GOCACHE); GOTOOLCHAIN=local: never download a toolchain.
GO ?= go
GB_BIN := $(NB_DIR)/go_chan_bench
ifneq ($(shell command -v $(GO) 2>/dev/null),)
bench-build: $(GB_BIN)
endif

$(GB_BIN): bench/go/chan_bench.go
	@mkdir -p $(@D)
	cd bench/go && GOCACHE=$(NB_DIR)/go-cache GOTOOLCHAIN=local GOFLAGS= \
		$(GO) build -o $@ chan_bench.go

bench: bench-build
	bench/run.sh $(NB_DIR) $(NB_BINS) $(GB_BIN)

callgrind: bench-build
	bench/callgrind.sh $(NB_DIR) $(NB_BINS)

bench-smoke: bench-build
	bench/smoke.sh $(NB_DIR) $(NB_BINS) $(GB_BIN)
