# The two commands of the quick start:
#   make demo   install missing Debian packages, build (Release), run the demo
#   make test   the same set-up, then the whole test suite (ctest)
# Other targets: build, bench, install (PREFIX=/usr/local), clean.

BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
NEARDUP := $(BUILD)/tools/neardup
EXAMPLE := examples/crawl.jsonl

.PHONY: deps configure build demo test bench install clean

deps:
	@tools/install_deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	@echo "== neardup selftest: the hashing core against its known answers"
	@$(NEARDUP) selftest --quiet
	@echo
	@echo "== neardup clean $(EXAMPLE) -o $(BUILD)/demo/cleaned"
	@$(NEARDUP) clean $(EXAMPLE) -o $(BUILD)/demo/cleaned --overwrite
	@echo
	@echo "== the first cuts ($(BUILD)/demo/cleaned/edits.jsonl)"
	@head -n 3 $(BUILD)/demo/cleaned/edits.jsonl
	@echo
	@echo "== neardup dedup $(BUILD)/demo/cleaned/crawl.jsonl -o $(BUILD)/demo/deduped"
	@$(NEARDUP) dedup $(BUILD)/demo/cleaned/crawl.jsonl -o $(BUILD)/demo/deduped --overwrite
	@echo
	@echo "== the first removals ($(BUILD)/demo/deduped/removed.jsonl)"
	@head -n 3 $(BUILD)/demo/deduped/removed.jsonl
	@echo
	@echo "== why doc-000010 was removed: neardup explain"
	@$(NEARDUP) explain $(EXAMPLE)#doc-000001 $(EXAMPLE)#doc-000010

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE 'slow|fuzz'

bench: build
	@$(BUILD)/bench/core_benchmark

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	@rm -rf $(BUILD)
