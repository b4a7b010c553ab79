# The two commands of the quick start:
#   make demo   install missing Debian packages, build (Release), run the demo
#   make test   the same set-up, then the whole test suite (ctest)
# Other targets: build, bench, install (PREFIX=/usr/local), clean, and the
# hardening runs (README "Hardening"):
#   make test-asan  the whole suite built with AddressSanitizer and UBSan
#   make test-tsan  the pipeline and command tests with ThreadSanitizer
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each

BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
NEARDUP := $(BUILD)/tools/neardup
EXAMPLE := examples/crawl.jsonl

.PHONY: deps configure build demo test bench install clean test-asan \
        test-tsan fuzz

# Sanitizer builds: optimized (-O1) with line tables, no benchmarks and no
# Python module (a sanitized module cannot load into the plain interpreter).
SANITIZER_FLAGS := -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
  -DNEARDUP_BUILD_BENCHMARKS=OFF -DNEARDUP_BUILD_PYTHON=OFF
# The tests that run threads: the pipeline jobs and the command.
TSAN_TESTS := Dedup|Clean|Syndication|Job|ParallelFor|WorkerPool|Index|tools_cli|bad_input|crash_safety
FUZZ_SECONDS ?= 60

deps:
	@tools/install_deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

# The demo builds the command only, quietly (its log is shown on failure).
demo: configure
	@echo "building neardup (log: $(BUILD)/demo-build.log)"
	@cmake --build $(BUILD) -j$(JOBS) --target neardup_tool \
	  > $(BUILD)/demo-build.log 2>&1 || { cat $(BUILD)/demo-build.log; exit 1; }
	@echo
	@tools/demo.sh $(NEARDUP) $(EXAMPLE) $(BUILD)/demo

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE 'slow|fuzz'

test-asan: deps
	@cmake -S . -B build-asan $(SANITIZER_FLAGS) \
	  -DNEARDUP_SANITIZE=address,undefined >/dev/null
	@cmake --build build-asan -j$(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	  UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS) -LE 'slow|fuzz|install'

test-tsan: deps
	@cmake -S . -B build-tsan $(SANITIZER_FLAGS) -DNEARDUP_SANITIZE=thread \
	  >/dev/null
	@cmake --build build-tsan -j$(JOBS) --target neardup_tool dedup_job_test \
	  dedup_stages_test clean_job_test syndication_test job_test index_test \
	  index_folder_test parallel_test
	@cd build-tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -j$(JOBS) -R '$(TSAN_TESTS)' -LE 'slow|fuzz'

fuzz:
	@tools/install_deps.sh fuzz
	@CXX=clang++ cmake -S . -B build-fuzz $(SANITIZER_FLAGS) \
	  -DNEARDUP_BUILD_FUZZERS=ON -DNEARDUP_SANITIZE=address,undefined \
	  -DNEARDUP_BUILD_TOOLS=OFF -DNEARDUP_FUZZ_SECONDS=$(FUZZ_SECONDS) \
	  >/dev/null
	@cmake --build build-fuzz -j$(JOBS) --target fuzzers
	@cd build-fuzz && ctest --output-on-failure -L fuzz

bench: build
	@$(BUILD)/bench/core_benchmark

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	@rm -rf $(BUILD) build-asan build-tsan build-fuzz
