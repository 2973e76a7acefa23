# cchc: build, test, demo, bench.  See README.md.
#   make            library and program (build/)
#   make check      install missing packages (with the tests' chromium), run
#                   all tests, then run them again under AddressSanitizer +
#                   UndefinedBehaviorSanitizer
#   make demo       install missing packages, build, store the bundled samples
#                   and the test province plan, compare them, audit them
#   make bench      throughput on the corpus repeated to about 100 MB
#   make eval       score extraction against ../shared/gold

PKGS     := icu-uc icu-i18n libpcre2-8 libxml-2.0 libutf8proc check sqlite3 jansson libcrypto
BUILD    ?= build
CC       ?= cc
SHARED   ?= ../shared

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wno-unused-parameter
BASE_CFLAGS := $(WARN) -D_DEFAULT_SOURCE -Iinclude -MMD -MP \
            -DCCHC_RULES_DIR='"$(CURDIR)/rules"'
ifeq ($(SAN),1)
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
         -fno-sanitize-recover=all
else
  OPT := -O2 -g
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   += $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS)
LDFLAGS  += $(OPT)
LDLIBS   += $(PKG_LIBS) -lcsv -lm

LIB_SRC  := $(wildcard common/*.c normalize/*.c extract/*.c pipeline/*.c emit/*.c corpus/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
HARNESS  := $(BUILD)/obj/tests/harness.o
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all deps check test demo bench eval clean
all: $(BUILD)/libcchc.a $(BUILD)/cchc

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
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	@sh scripts/deps.sh

# Every test program runs even when one fails; the target fails at the end.
test: all $(TESTS)
	@fail=0; echo "== cchc rules test"; \
	$(BUILD)/cchc rules test --rules rules || fail=1; \
	for t in $(TESTS); do \
	  echo "== $$t"; \
	  CCHC_BIN=$(BUILD)/cchc CCHC_SHARED=$(SHARED) CCHC_ROOT=$(CURDIR) \
	    $$t || fail=1; \
	done; exit $$fail

check:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory test
	@echo "== again under AddressSanitizer and UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 $(MAKE) --no-print-directory BUILD=build-san SAN=1 test

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

bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench
	$(BUILD)/bench $(SHARED) 100

eval: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/cchc eval --gold $(SHARED)/gold $(SHARED)/corpus/*.txt

$(BUILD)/bench: $(BUILD)/obj/tests/bench.o $(HARNESS) $(BUILD)/libcchc.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(HARNESS:.o=.d) $(BUILD)/obj/tests/bench.d \
         $(TEST_SRC:tests/%.c=$(BUILD)/obj/tests/%.d)
