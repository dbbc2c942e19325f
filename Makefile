# Beijing SME service-voucher system (北京市中小企业服务券) - the one build.
#
#   make            build the programs, the common library and the unit tests
#   make run        install what is missing, build, run the whole stack (foreground)
#   make stop       stop a stack started by `make run` from another shell
#   make test       install what is missing, build with ASan+UBSan, run every test
#                   (the browser journeys install playwright-core with npm ci
#                   into tests/browser/node_modules when missing)
#   make bench      benchmarks (wrk through nginx), reported as ratios, at
#                   demo size and at Beijing's size (tests/bench/scale.sh)
#   make scale-data a Beijing-sized year in its own database (state-scale/,
#                   tests/scale/make.sh), made by make bench when missing
#
# VARIANT=release (default) builds into build/release, VARIANT=asan into
# build/asan with AddressSanitizer and UndefinedBehaviorSanitizer.

VARIANT  ?= release
BUILD    := build/$(VARIANT)
CC       ?= gcc
PKGS     := fcgi libmariadb jansson libcrypto

WARN     := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
            -Wstrict-prototypes -Wpointer-arith -Wcast-align -Wwrite-strings \
            -Wformat=2 -Wvla -Wundef -Wold-style-definition \
            -Wimplicit-fallthrough -Wno-unused-parameter
CFLAGS   := -std=c17 -D_GNU_SOURCE -g -pthread $(WARN) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

ifeq ($(VARIANT),asan)
CFLAGS   += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
else
CFLAGS   += -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
endif

# The common library, in four layers, each a folder of shared/ and a
# static library of its own. A layer sees only its own headers and those
# of the layers below it (its -I path), so an include from a lower layer
# of a higher one does not compile:
#   base (buffers, log, clock, config, money, rules, sha256, passwords)
#   → db (the MariaDB driver, no domain SQL)
#   → domain (orders, audit, the library's SQL, the list shape)
#   → web (request, routing, validation, response, session, upload,
#     metrics, server)
LAYERS   := base db domain web
INC_base   := -Ishared/base
INC_db     := $(INC_base) -Ishared/db
INC_domain := $(INC_db) -Ishared/domain
INC_web    := $(INC_domain) -Ishared/web
$(foreach l,$(LAYERS),$(eval $(BUILD)/shared/$(l)/%.o: LAYER_INC := $(INC_$(l))))
# operators' tools run below the web layer: no HTTP code in them
$(BUILD)/tools/%.o: LAYER_INC := $(INC_domain)
LIB_base   := $(BUILD)/libvoucher-base.a
LIB_db     := $(BUILD)/libvoucher-db.a
LIB_domain := $(BUILD)/libvoucher-domain.a
LIB_web    := $(BUILD)/libvoucher-web.a
# link order: higher layers first
LIB        := $(LIB_web) $(LIB_domain) $(LIB_db) $(LIB_base)
LIB_NOWEB  := $(LIB_domain) $(LIB_db) $(LIB_base)

# One independent FastCGI program per folder of fcgi-apps/.
APPS     := $(notdir $(wildcard fcgi-apps/*))
APP_BINS := $(APPS:%=$(BUILD)/bin/voucher-%)

# Command-line tools for operators (tools/*.c), one binary each.
TOOL_SRC := $(wildcard tools/*.c)
TOOL_BINS:= $(TOOL_SRC:tools/%.c=$(BUILD)/bin/%)

# Benchmark helpers: the bare C reference client of the ordering bench
# (the ordering program's own SQL, without HTTP).
BENCH_BINS := $(BUILD)/bench/order_client

# Unit tests: tests/unit/test_*.c, one binary each.
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS:= $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.SECONDARY:
.PHONY: all deps browser-deps run stop test unit bench scale-data clean
all: $(APP_BINS) $(TOOL_BINS) $(UNIT_BINS) $(BENCH_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(or $(LAYER_INC),$(INC_web)) -c -o $@ $<

.SECONDEXPANSION:
lib_objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard shared/$(1)/*.c))
$(BUILD)/libvoucher-%.a: $$(call lib_objs,$$*)
	@mkdir -p $(dir $@)
	@rm -f $@
	@$(AR) rcs $@ $^

app_objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard fcgi-apps/$(1)/*.c))

$(BUILD)/bin/voucher-%: $$(call app_objs,$$*) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

$(BUILD)/bin/voucherctl: $(BUILD)/tools/voucherctl.o $(LIB_NOWEB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $< $(LIB_NOWEB) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/order_client: $(BUILD)/tests/bench/order_client.o \
    $(BUILD)/fcgi-apps/ordering/db.o $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

$(BUILD)/tests/bench/order_client.o: CFLAGS += -Ifcgi-apps/ordering

# Installs the Debian packages that are missing (root), nothing else.
deps:
	@ops/deps.sh

run: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@ops/stack.sh run

stop:
	@ops/stack.sh stop

unit: all
	@for t in $(UNIT_BINS); do $$t || exit 1; done

test: deps browser-deps
	@$(MAKE) --no-print-directory VARIANT=asan all
	@tests/run.sh

# playwright-core for the browser journeys, pinned by package-lock.json,
# into the git-ignored tests/browser/node_modules (Chromium is Debian's)
browser-deps: tests/browser/node_modules/playwright-core/package.json
tests/browser/node_modules/playwright-core/package.json: tests/browser/package-lock.json
	@cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@tests/bench/run.sh

scale-data: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@tests/scale/make.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
