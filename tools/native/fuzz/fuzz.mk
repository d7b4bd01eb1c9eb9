# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets of the debugfs command files, included by
# tools/native/Makefile (paths relative to tools/native):
#
#	fuzz/<name>.c		one target per command file (fuzz/fuzz.h has
#				what they share and check); seeds in
#				fuzz/corpus/<name>/, keywords in fuzz/<name>.dict
#	make fuzz-build		build them: build/native/fuzz/bin/<name>
#	make fuzz		run each for FUZZ_SECONDS (default 10) on its
#				corpus (fuzz/run.sh); one "PASS fuzz/<name> ..."
#				or "FAIL fuzz/<name> ..." line per target, also
#				in build/native/fuzz/results.txt and appended to
#				$(NATIVE_RESULTS) if set; fails if any
#				target crashed, leaked, tripped a sanitizer, a
#				WARN or a check, or if fuzz-selftest fails
#	make fuzz-selftest	the harness catches what it claims to: each
#				fault of fuzz/selftest/planted.c must make its
#				run FAIL ("PASS fuzz/selftest/<fault>" if so)
#
# New inputs go to build/native/fuzz/work/<name>/, never into the repo's
# corpus. To fold the interesting ones into it:
#	build/native/fuzz/bin/<name> -merge=1 fuzz/corpus/<name> build/native/fuzz/work/<name>
# To replay one input, printing each command and its output:
#	FUZZ_ECHO=1 build/native/fuzz/bin/<name> <file>

FUZZ_SECONDS ?= 10
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(wildcard fuzz/*.c))

# One write(2) is at most 512 bytes: longer inputs test only the -E2BIG
# check. map_cmd takes sessions of up to 64 lines. Its map frees through
# RCU callbacks and workers, so an input's mallocs and frees never match
# and libFuzzer would scan for leaks after every input (100x slower): its
# leaks are checked once, at exit.
FUZZ_FLAGS := -max_len=1024
FUZZ_FLAGS_map_cmd := -max_len=4096 -detect_leaks=0
# pool_cmd sessions destroy every pool they made: leaks are checked per input.
FUZZ_FLAGS_pool_cmd := -max_len=4096
FUZZ_FLAGS_breaker_cmd := -max_len=4096

.PHONY: fuzz fuzz-build fuzz-selftest FORCE

fuzz-build: $(FUZZ_NAMES:%=$(FUZZ_DIR)/bin/%)

$(FUZZ_DIR)/bin/%: fuzz/%.c fuzz/fuzz.h $(LIB_OBJS_fuzz)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC_FUZZ) $(CFLAGS_fuzz) -Werror -fsanitize=fuzzer -o $@ $< $(LIB_fuzz)

# The headers each target includes (-MMD in CFLAGS_fuzz).
-include $(wildcard $(FUZZ_DIR)/bin/*.d)

# A target's run always "succeeds" so that every target runs; fuzz fails after.
$(FUZZ_DIR)/%.result: $(FUZZ_DIR)/bin/% FORCE
	@fuzz/run.sh $< $* $(FUZZ_SECONDS) $(FUZZ_DIR) \
		$(or $(FUZZ_FLAGS_$*),$(FUZZ_FLAGS)) > $@ || true
	@cat $@

fuzz: $(FUZZ_NAMES:%=$(FUZZ_DIR)/%.result) $(FUZZ_DIR)/selftest.result
	@cat $^ > $(FUZZ_DIR)/results.txt
	@[ -z "$(NATIVE_RESULTS)" ] || cat $(FUZZ_DIR)/results.txt >> "$(NATIVE_RESULTS)"
	@! grep -q '^FAIL' $(FUZZ_DIR)/results.txt

# letter (the first byte of the planted command, see planted.c):name
FUZZ_PLANTED := o:asan-overflow u:ubsan-shift e:undocumented-errno \
	r:error-without-prefix n:no-newline w:warn l:leak

$(FUZZ_DIR)/bin/planted: fuzz/selftest/planted.c fuzz/fuzz.h $(LIB_OBJS_fuzz)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC_FUZZ) $(CFLAGS_fuzz) -Werror -fsanitize=fuzzer -o $@ $< $(LIB_fuzz)

$(FUZZ_DIR)/selftest.result: $(FUZZ_DIR)/bin/planted FORCE
	@rm -rf $(FUZZ_DIR)/selftest; \
	for p in $(FUZZ_PLANTED); do \
		f=$${p%%:*} name=$${p#*:} dir=$(FUZZ_DIR)/selftest/$${p#*:}; \
		mkdir -p $$dir/corpus && echo "$$f" > $$dir/corpus/input; \
		if FUZZ_CORPUS=$$dir/corpus fuzz/run.sh $< planted 5 $$dir \
			-max_len=64 > $$dir/result; then \
			printf 'FAIL fuzz/selftest/%s the planted fault went unnoticed\n' $$name; \
		else \
			printf 'PASS fuzz/selftest/%s caught: %s\n' $$name "$$(cut -d' ' -f3- $$dir/result)"; \
		fi; \
	done > $@; cat $@

fuzz-selftest: $(FUZZ_DIR)/selftest.result
	@! grep -q '^FAIL' $<
