# kafka-connect-oss — build, test, demo, bench.
#
#   make            build build/kafka-connect-oss (warnings are errors)
#   make demo       set up, build, run the demo (embedded broker, local store)
#   make test       set up, build, run the whole suite (unit, fuzz smoke, integration)
#   make test-asan  the same suite on an ASan/UBSan build (in build-asan/)
#   make bench      throughput and memory against kcat on the same data
#   make docs       regenerate docs/CONFIGURATION.md from the config table
#   make fuzz       run every fuzzer for FUZZ_SECONDS each
#   V=1             show the compiler command lines

BUILD ?= build
CC ?= cc
SAN ?=
OPT ?= -O2
FUZZ_SECONDS ?= 20

CFLAGS_COMMON := -std=gnu11 -g $(OPT) -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
	-Wstrict-prototypes -Wmissing-prototypes -Isrc -D_GNU_SOURCE -pthread
# Example partitioner plugins: plain C11 against src/partition/kco_partitioner_plugin.h only (no -Isrc).
PLUGIN_CFLAGS := -std=c11 -g $(OPT) -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -shared -fPIC
ifeq ($(SAN),1)
CFLAGS_COMMON += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
PLUGIN_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS ?=
CFLAGS += $(CFLAGS_COMMON) -I$(BUILD)/gen
LIBS := -lrdkafka -lcurl -lcrypto -lavro -lsnappy -llz4 -ljansson -lexpat -lz -lzstd -lprotobuf-c -licui18n -licuuc -licudata -lpthread -lm

# C code for google/protobuf/descriptor.proto (protobuf-c), generated at build
# time into $(BUILD)/gen: the protobuf schema loader decodes FileDescriptorSets
# with it. Never committed.
PROTO_INCLUDE ?= /usr/include
GEN_DIR := $(BUILD)/gen
GEN_BASE := $(GEN_DIR)/google/protobuf/descriptor.pb-c
GEN_HDR := $(GEN_BASE).h
GEN_OBJ := $(BUILD)/obj/gen/google/protobuf/descriptor.pb-c.o

SRC := $(shell find src -name '*.c' | sort)
MAIN_SRC := src/worker/main.c
LIB_SRC := $(filter-out $(MAIN_SRC),$(SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tools/*.c)
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/kco-%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

.PHONY: all gen print-libs setup demo test test-asan check unit integration fuzz fuzz-smoke bench docs docs-check clean

all: $(BUILD)/kafka-connect-oss $(TOOL_BIN) $(BUILD)/libkco-region.so

Q := $(if $(V),,@)

gen: $(GEN_HDR)

$(GEN_BASE).c $(GEN_HDR) &: $(PROTO_INCLUDE)/google/protobuf/descriptor.proto
	@mkdir -p $(GEN_DIR)
	@$(if $(Q),echo "  PROTOC  $<")
	$(Q)protoc-c --c_out=$(GEN_DIR) -I$(PROTO_INCLUDE) $<

$(BUILD)/obj/%.o: %.c | $(GEN_HDR)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(GEN_OBJ): $(GEN_BASE).c $(GEN_HDR)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkco.a: $(LIB_OBJ) $(GEN_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/kafka-connect-oss: $(MAIN_OBJ) $(BUILD)/libkco.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/kco-%: tools/%.c $(BUILD)/libkco.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libkco.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

$(BUILD)/libkco-%.so: examples/plugin/%_partitioner.c src/partition/kco_partitioner_plugin.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(PLUGIN_CFLAGS) -o $@ $<

# test_plugin loads the example plugin.
$(BUILD)/tests/test_plugin: | $(BUILD)/libkco-region.so

setup:
	@scripts/setup.sh

demo: setup
	@$(MAKE) --no-print-directory all
	$(BUILD)/kafka-connect-oss demo

# The whole suite: what CI runs (through .ci/run) and what the README shows.
test: setup
	@$(MAKE) --no-print-directory check

test-asan: setup
	@$(MAKE) --no-print-directory check BUILD=build-asan SAN=1 OPT=-O1

check: all $(UNIT_BIN) docs-check
	@BUILD=$(BUILD) SAN=$(SAN) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run.sh

unit: all $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run.sh unit

integration: all
	@BUILD=$(BUILD) tests/run.sh integration

fuzz: setup
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

bench: setup
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/run.sh

docs: $(BUILD)/kafka-connect-oss
	$(BUILD)/kafka-connect-oss config-docs > docs/CONFIGURATION.md

docs-check: $(BUILD)/kafka-connect-oss
	@$(BUILD)/kafka-connect-oss config-docs | diff -u docs/CONFIGURATION.md - >/dev/null || \
	  { echo "docs/CONFIGURATION.md is stale: run 'make docs'"; exit 1; }

print-libs:
	@echo $(LIBS)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
