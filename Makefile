# cchc: build, test, demo, bench, fuzz.  See README.md.
#   make            library and program (build/)
#   make check      install missing packages (with the tests' chromium), run
#                   all tests, then run them again under AddressSanitizer +
#                   UndefinedBehaviorSanitizer, and the normalize and frame
#                   tests on the plain C stand-ins for SSE2 (PORTABLE=1);
#                   test programs run in parallel (JOBS, default: the
#                   number of CPUs)
#   make demo       install missing packages, build, store the bundled samples
#                   and the test province plan, compare them, audit them
#   make bench      cchc against the Python peer and the libraries' floor
#                   (read+memchr, ICU NFC, PCRE2 JIT) on the plans repeated
#                   to 10 and 100 MB, 2,000 plans and a store of 3,321:
#                   medians of interleaved rounds, ratios, peak RSS
#                   (BENCH_SIZES, BENCH_PLANS, BENCH_STORE_PLANS,
#                   BENCH_REPEAT; README.md)
#   make eval       score extraction against ../shared/gold
#   make forms      frames of the corpus plans in other surface forms
#   make frames     record the frames test_frames compares (after a change
#                   meant to change frames, scored with make eval)
#   make reports    record the compare and audit outputs test_reports
#                   compares (after a change meant to change them)
#   make install    the program, library, header, pkg-config file, manual
#                   page and rules under PREFIX (default /usr/local), staged
#                   under DESTDIR if given; make uninstall removes them
#   make fuzz       install clang, build the libFuzzer targets of tests/fuzz/
#                   and run each for FUZZ_SECONDS, or FUZZ_RUNS executions
#                   if that comes first (FUZZ_SECONDS=0: no time limit)
#                   (build-fuzz/)

# Check is for the tests only: the library and the program do not link it.
PKGS      := icu-uc icu-i18n libpcre2-8 libxml-2.0 libutf8proc sqlite3 jansson libcrypto
TEST_PKGS := check
BUILD    ?= build
CC       ?= cc
SHARED   ?= ../shared
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
FUZZ_RUNS    ?=
# make install: PREFIX, DESTDIR; where the files made for one PREFIX go
# (tests/install.sh sets them, so that its prefix leaves the build tree's
# alone).
PREFIX      ?= /usr/local
DESTDIR     ?=
INSTALL_OBJ ?= $(BUILD)/install
PC_FILE     ?= $(BUILD)/cchc.pc

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wno-unused-parameter
BASE_CFLAGS := $(WARN) -D_DEFAULT_SOURCE -pthread -Iinclude -MMD -MP \
            -DCCHC_RULES_DIR='"$(CURDIR)/rules"'
ifeq ($(SAN),1)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
         -fno-sanitize-recover=all
else ifeq ($(SAN),fuzz)
  # Coverage for libFuzzer in every object; the fuzz targets link the
  # fuzzer's main (FUZZ_LDFLAGS).
  OPT := -O1 -g -fno-omit-frame-pointer \
         -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
else
  OPT := -O2 -g
endif
# PORTABLE=1: the plain C paths that stand in for SSE2 on other machines
# (normalize/), so that x86-64 runs test them too.
ifeq ($(PORTABLE),1)
  OPT += -U__SSE2__
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(TEST_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
CFLAGS   += $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS)
LDFLAGS  += $(OPT)
# Libraries without a pkg-config module; cchc.pc lists them too.
NOPKG_LIBS := -lcsv -lm -pthread
LDLIBS   += $(PKG_LIBS) $(NOPKG_LIBS)

LIB_SRC  := $(wildcard common/*.c normalize/*.c extract/*.c pipeline/*.c \
                      emit/*.c corpus/*.c eval/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
HARNESS  := $(BUILD)/obj/tests/harness.o
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

# The slowest test programs start first, slowest first (as measured under
# the sanitizers; test_watch mostly waits), so that a parallel run ends
# soon after the longest one.
SLOW_TESTS := test_forms test_extract_units test_extract_patho test_jobs \
              test_normalize test_indicators test_watch test_emit \
              test_store test_cli test_extract_deadlines test_rules \
              test_corpus test_report
TESTS_BY_LENGTH := $(foreach t,$(SLOW_TESTS),$(filter $(BUILD)/tests/$(t),$(TESTS))) \
                   $(filter-out $(SLOW_TESTS:%=$(BUILD)/tests/%),$(TESTS))
LOGS      := $(BUILD)/test-logs
TEST_LOGS := $(TESTS_BY_LENGTH:$(BUILD)/tests/%=$(LOGS)/%.log) \
             $(LOGS)/rules-test.log $(LOGS)/install-test.log
TEST_ENV  = CCHC_BIN=$(BUILD)/cchc CCHC_BENCH=$(BUILD)/bench \
            CCHC_SHARED=$(SHARED) CCHC_ROOT=$(CURDIR)
# -jJOBS unless the make that runs this recipe already has a -j (then its
# job slots are shared).
PARALLEL  = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))

.PHONY: all deps check test test-portable demo bench eval forms frames reports fuzz fuzz-run \
        install uninstall clean FORCE
all: $(BUILD)/libcchc.a $(BUILD)/cchc $(PC_FILE)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libcchc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/cchc: $(CLI_OBJ) $(BUILD)/libcchc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(HARNESS) $(BUILD)/libcchc.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

deps:
	@sh scripts/deps.sh

# Every test program runs, each as its own target of a parallel make, even
# when one fails.  A program's output goes to its log, printed in one piece
# when it ends; the failed ones are listed at the end.
test: all $(TESTS) $(BUILD)/bench
	@rm -rf $(LOGS) && mkdir -p $(LOGS)
	@$(MAKE) --no-print-directory -k $(PARALLEL) --output-sync=target $(TEST_LOGS) || \
	 { echo "== failed:" $$(cat $(LOGS)/failed); exit 1; }

# The tests that run the code with a plain C stand-in for SSE2.
PORTABLE_TESTS := test_normalize test_frames
test-portable: all $(PORTABLE_TESTS:%=$(BUILD)/tests/%)
	@rm -rf $(LOGS) && mkdir -p $(LOGS)
	@$(MAKE) --no-print-directory -k $(PARALLEL) --output-sync=target \
	 $(PORTABLE_TESTS:%=$(LOGS)/%.log) || \
	 { echo "== failed:" $$(cat $(LOGS)/failed); exit 1; }

$(LOGS)/rules-test.log:
	@$(BUILD)/cchc rules test --rules rules > $@ 2>&1; rc=$$?; \
	 echo "== cchc rules test"; cat $@; \
	 [ $$rc -eq 0 ] || { echo "cchc rules test" >> $(LOGS)/failed; exit 1; }

# make install into a temporary DESTDIR, then the installed tree used as a
# user would (tests/install.sh); SAN reaches its make through MAKEFLAGS.
$(LOGS)/install-test.log:
	@MAKE="$(MAKE)" BUILD=$(BUILD) CC="$(CC)" OPT="$(OPT)" \
	 sh tests/install.sh > $@ 2>&1; rc=$$?; \
	 echo "== tests/install.sh"; cat $@; \
	 [ $$rc -eq 0 ] || { echo "tests/install.sh" >> $(LOGS)/failed; exit 1; }

$(LOGS)/%.log:
	@start=$$(date +%s); $(TEST_ENV) $(BUILD)/tests/$* > $@ 2>&1; rc=$$?; \
	 echo "== $(BUILD)/tests/$* ($$(($$(date +%s) - start)) s)"; cat $@; \
	 [ $$rc -eq 0 ] || { echo "$*" >> $(LOGS)/failed; exit 1; }

check:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory $(PARALLEL) test
	@echo "== again under AddressSanitizer and UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 $(MAKE) --no-print-directory $(PARALLEL) BUILD=build-san SAN=1 test
	@echo "== normalize and frames again on the portable (non-SSE2) paths"
	@$(MAKE) --no-print-directory $(PARALLEL) BUILD=build-portable PORTABLE=1 \
	 test-portable

# A fresh store of the bundled samples and the test province plan, then the
# comparison and the audit (which exits 1 because it finds things).
DEMO_DB  := $(BUILD)/demo.db
demo: deps
	@$(MAKE) --no-print-directory all
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BUILD)/cchc ingest --db $(DEMO_DB) samples tests/data/dong_nai_228_KH-UBND_2026.txt
	$(BUILD)/cchc list --db $(DEMO_DB)
	$(BUILD)/cchc compare --db $(DEMO_DB) --province "Đồng Nai"
	$(BUILD)/cchc audit --db $(DEMO_DB) --parent 228/KH-UBND || test $$? -eq 1
	$(BUILD)/cchc report --db $(DEMO_DB) -o $(BUILD)/report.html
	@echo "report: $(BUILD)/report.html"

# The knobs BENCH_* reach the program through the environment (make
# exports variables given on its command line).
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench
	$(BUILD)/bench --cchc $(BUILD)/cchc --parent-plan $(BENCH_PARENT) $(SHARED)

eval: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/cchc eval --gold $(SHARED)/gold $(SHARED)/corpus/*.txt

# The bench is a program of its own (no Check); test_bench runs it small.
BENCH_PARENT := tests/data/dong_nai_228_KH-UBND_2026.txt
$(BUILD)/bench: $(BUILD)/obj/tests/bench.o $(BUILD)/libcchc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Fuzzing: clang's libFuzzer with ASan and UBSan, in build-fuzz/.  Each
# target runs FUZZ_SECONDS, or FUZZ_RUNS executions (libFuzzer's -runs)
# if given and reached first, from a seed corpus (the plans of ../shared,
# or the shipped rules files); new inputs go to build-fuzz/fuzz-corpus/NAME,
# a failing input to build-fuzz/fuzz-crashes/.  Inputs are cut to
# FUZZ_MAX_LEN bytes (seeds too): an execution costs about its length under
# the sanitizers, and a page of a plan already holds its layout, sections
# and targets; a rules file needs several rules.
fuzz:
	@sh scripts/deps.sh fuzz
	@$(MAKE) --no-print-directory $(PARALLEL) BUILD=build-fuzz SAN=fuzz \
	 CC=clang fuzz-run

FUZZ_SEEDS_fuzz_normalize := $(SHARED)/corpus $(SHARED)/extra
FUZZ_SEEDS_fuzz_process   := $(SHARED)/corpus $(SHARED)/extra
FUZZ_SEEDS_fuzz_rules     := rules
FUZZ_DICT_fuzz_normalize  := tests/fuzz/layout.dict
FUZZ_DICT_fuzz_process    := tests/fuzz/layout.dict
FUZZ_MAX_LEN := 1024
FUZZ_MAX_LEN_fuzz_rules   := 8192
FUZZ_LOGS := $(FUZZERS:$(BUILD)/fuzz/%=$(BUILD)/fuzz-logs/%.log)

fuzz-run: $(FUZZERS)
	@rm -rf $(BUILD)/fuzz-logs && mkdir -p $(BUILD)/fuzz-logs
	@$(MAKE) --no-print-directory -k --output-sync=target $(FUZZ_LOGS) || \
	 { echo "== failed:" $$(cat $(BUILD)/fuzz-logs/failed); exit 1; }

# libFuzzer writes new inputs to the first corpus directory only: ../shared
# is read, never written.
$(BUILD)/fuzz-logs/%.log:
	@mkdir -p $(BUILD)/fuzz-corpus/$* $(BUILD)/fuzz-crashes
	@$(BUILD)/fuzz/$* -max_total_time=$(FUZZ_SECONDS) \
	   $(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS)) \
	   -max_len=$(or $(FUZZ_MAX_LEN_$*),$(FUZZ_MAX_LEN)) \
	   $(if $(FUZZ_DICT_$*),-dict=$(FUZZ_DICT_$*)) \
	   -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 \
	   -artifact_prefix=$(BUILD)/fuzz-crashes/$*- \
	   $(BUILD)/fuzz-corpus/$* $(FUZZ_SEEDS_$*) > $@ 2>&1; rc=$$?; \
	 echo "== $(BUILD)/fuzz/$* ($(FUZZ_SECONDS) s$(if $(FUZZ_RUNS),$(comma) $(FUZZ_RUNS) runs))"; \
	 grep -v '^#[0-9]' $@ | tail -n 60; \
	 [ $$rc -eq 0 ] || { echo "$*" >> $(BUILD)/fuzz-logs/failed; exit 1; }

comma := ,
# Kept, so that a second 'make fuzz' does not compile the targets again.
.SECONDARY: $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/obj/tests/fuzz/%.o)
$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/libcchc.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(FUZZ_LDFLAGS) -o $@ $^ $(LDLIBS)

# Rule patterns rewritten for speed find the matches of their old forms:
# the side-by-side tries of tests/rewrites.c, used by three tests (and its
# corpus walk by test_extract_tasks).
REWRITES_TESTS := test_extract_targets test_extract_deadlines test_extract_units \
    test_extract_tasks test_extract_meta
$(REWRITES_TESTS:%=$(BUILD)/tests/%): $(BUILD)/tests/%: $(BUILD)/obj/tests/%.o \
    $(BUILD)/obj/tests/rewrites.o $(HARNESS) $(BUILD)/libcchc.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

# The same plans in other surface forms (issue 12): transformations and the
# comparison of frames in tests/forms.c, used by test_forms and the tool.
FORMS_OBJ := $(BUILD)/obj/tests/forms.o $(HARNESS) $(BUILD)/libcchc.a
$(BUILD)/tests/test_forms: $(BUILD)/obj/tests/test_forms.o $(FORMS_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

$(BUILD)/forms: $(BUILD)/obj/tests/forms_tool.o $(FORMS_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

forms: deps
	@$(MAKE) --no-print-directory all $(BUILD)/forms
	$(BUILD)/forms --rules rules $(SHARED)

frames: all
	sh scripts/frames.sh $(BUILD)/cchc $(SHARED) tests/data/frames

reports: all $(BUILD)/tests/test_reports
	CCHC_RECORD_REPORTS=1 $(TEST_ENV) $(BUILD)/tests/test_reports

# Installing (README.md, Install).  The installed program is linked again
# with the installed rules directory compiled in; it also finds
# share/cchc/rules beside its bin/, so a tree staged under DESTDIR or moved
# elsewhere works as well.
VERSION := $(shell sed -n 's/^\#define CCHC_VERSION "\(.*\)"$$/\1/p' include/cchc.h)
INSTALL_RULES := $(PREFIX)/share/cchc/rules
RULES_FILES   := $(wildcard rules/*)
INSTALLED := bin/cchc lib/libcchc.a include/cchc.h lib/pkgconfig/cchc.pc \
             share/man/man1/cchc.1

# PREFIX as last built with: what holds it is made again when it changes.
$(INSTALL_OBJ)/prefix: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@

$(INSTALL_OBJ)/util.o: cli/util.c $(INSTALL_OBJ)/prefix
	$(CC) $(CFLAGS) -UCCHC_RULES_DIR -DCCHC_RULES_DIR='"$(INSTALL_RULES)"' \
	 -c $< -o $@

$(INSTALL_OBJ)/cchc: $(filter-out $(BUILD)/obj/cli/util.o,$(CLI_OBJ)) \
                     $(INSTALL_OBJ)/util.o $(BUILD)/libcchc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(PC_FILE): cchc.pc.in include/cchc.h $(INSTALL_OBJ)/prefix
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@REQUIRES_PRIVATE@|$(PKGS)|' \
	    -e 's|@LIBS_PRIVATE@|$(NOPKG_LIBS)|' $< > $@.tmp && mv $@.tmp $@

install: all $(INSTALL_OBJ)/cchc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(INSTALL_RULES)
	install -m 755 $(INSTALL_OBJ)/cchc $(DESTDIR)$(PREFIX)/bin/cchc
	install -m 644 $(BUILD)/libcchc.a $(DESTDIR)$(PREFIX)/lib/libcchc.a
	install -m 644 include/cchc.h $(DESTDIR)$(PREFIX)/include/cchc.h
	install -m 644 $(PC_FILE) $(DESTDIR)$(PREFIX)/lib/pkgconfig/cchc.pc
	install -m 644 man/cchc.1 $(DESTDIR)$(PREFIX)/share/man/man1/cchc.1
	install -m 644 $(RULES_FILES) $(DESTDIR)$(INSTALL_RULES)

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)$(PREFIX)/%) \
	  $(RULES_FILES:rules/%=$(DESTDIR)$(INSTALL_RULES)/%)
	rmdir $(DESTDIR)$(INSTALL_RULES) $(DESTDIR)$(PREFIX)/share/cchc \
	  2>/dev/null || true

clean:
	rm -rf build build-san build-fuzz build-portable

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(HARNESS:.o=.d) $(BUILD)/obj/tests/bench.d \
         $(INSTALL_OBJ)/util.d \
         $(BUILD)/obj/tests/forms.d $(BUILD)/obj/tests/forms_tool.d \
         $(BUILD)/obj/tests/rewrites.d \
         $(TEST_SRC:tests/%.c=$(BUILD)/obj/tests/%.d) \
         $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/obj/tests/fuzz/%.d)
