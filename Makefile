# The two commands that matter are `make run` and `make check` (README.md).
# Everything is built by meson; this file only sequences bootstrap, build
# and the test summary.

BUILD       ?= build
CHECK_BUILD ?= build-check
BENCH_BUILD ?= build-bench
FUZZ_BUILD  ?= build-fuzz
VAR         ?= var
LISTEN      ?= 127.0.0.1:8470

.PHONY: all build run check bench fuzz format lint clean

all: build

build:
	@scripts/bootstrap.sh build
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=release >/dev/null
	@ninja -C $(BUILD) oureyes

run: build
	@scripts/run.sh $(BUILD)/oureyes $(VAR) $(LISTEN)

check:
	@scripts/bootstrap.sh check
	@[ -f $(CHECK_BUILD)/build.ninja ] || meson setup $(CHECK_BUILD) \
		-Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug >/dev/null
	@ninja -C $(CHECK_BUILD)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C $(CHECK_BUILD) --no-rebuild --print-errorlogs -q \
		--num-processes 2 >$(CHECK_BUILD)/test-output.txt 2>&1 || true
	@scripts/test-summary.py $(CHECK_BUILD)/meson-logs/testlog.json

bench:
	@scripts/bootstrap.sh bench
	@[ -f $(BENCH_BUILD)/build.ninja ] || meson setup $(BENCH_BUILD) --buildtype=release \
		-Db_ndebug=true >/dev/null
	@ninja -C $(BENCH_BUILD)
	@bench/run.sh $(BENCH_BUILD)

fuzz:
	@scripts/bootstrap.sh fuzz
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang CXX=clang++ meson setup $(FUZZ_BUILD) \
		-Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@ninja -C $(FUZZ_BUILD)
	@echo "run e.g.: $(FUZZ_BUILD)/fuzz/fuzz_canon -max_total_time=60 fuzz/corpus/canon"

format:
	@clang-format -i $$(git ls-files '*.c' '*.h' '*.cc')

lint:
	@scripts/lint.sh

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(BENCH_BUILD) $(FUZZ_BUILD)
