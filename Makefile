# Beijing SME service-voucher system (北京市中小企业服务券) - the one build.
#
#   make            build the programs, the common library, the unit tests
#                   and the API description (build/openapi.json, openapi/)
#   make run        install what is missing, build, run the whole stack (foreground)
#   make stop       stop a stack started by `make run` from another shell
#   make test       install what is missing, build with ASan+UBSan, run every test
#                   (the browser journeys install playwright-core with npm ci
#                   into tests/browser/node_modules when missing)
#   make bench      benchmarks (wrk through nginx), reported as ratios, at
#                   demo size and at Beijing's size (tests/bench/scale.sh),
#                   the catalog list beside its bare C and PHP-FPM peers
#                   (tests/bench/peers/; php8.2-fpm by ops/deps.sh bench)
#   make bench-peers  the bare C peer alone (not part of make all)
#   make scale-data a Beijing-sized year in its own database (state-scale/,
#                   tests/scale/make.sh), made by make bench when missing
#   make chaos      reliability drills: kills, the database down, slow
#                   clients, a login flood (tests/chaos/run.sh)
#   make analyze    gcc -fanalyzer over every C file, then cppcheck
#   make install    the programs and their systemd units, nginx's template,
#                   the SQL and the ops scripts (PREFIX, DESTDIR: README)
#   make fuzz       build the libFuzzer targets (clang) and run each for
#                   FUZZ_SECONDS (60); new crashers go to tests/fuzz/crashers/
#
# Variants, each in build/$(VARIANT) so that objects survive between them:
#   release (default)  -O2, fortified
#   asan               AddressSanitizer + UndefinedBehaviorSanitizer (make test)
#   tsan               ThreadSanitizer (make test: the concurrency tests)
#   analyze            objects only, compiled with -fanalyzer (make analyze)
#   fuzz               clang-14, libFuzzer + ASan + UBSan (make fuzz)

VARIANT  ?= release
BUILD    := build/$(VARIANT)
PKGS     := fcgi libmariadb jansson libcrypto
# libraries of one program only: checked like PKGS, linked into that one
# (the bureau's spreadsheets, issue 11: the oversight program)
PKGS_oversight := xlsxwriter
FUZZ_CC  ?= clang-14
ifeq ($(VARIANT),fuzz)
CC       := $(FUZZ_CC)
else ifeq ($(origin CC),default)
CC       := gcc
endif

# The Debian -dev package behind each pkg-config name: a missing one stops
# the build with its name instead of a compiler error about a header.
DEV_fcgi       := libfcgi-dev
DEV_libmariadb := libmariadb-dev
DEV_jansson    := libjansson-dev
DEV_libcrypto  := libssl-dev
DEV_xlsxwriter := libxlsxwriter-dev
# goals that compile; the others (deps, test, run…) install first and then
# call make again for a goal of this list
BUILD_GOALS := all progs unit analyze-objs fuzz-bins bench-peers
ifneq ($(filter $(BUILD_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell command -v pkg-config),)
$(error missing pkg-config: apt-get install pkg-config (or make deps as root))
endif
pc_missing   = $(if $(shell pkg-config --exists $(1) && echo y),,$(DEV_$(1)))
MISSING_DEV := $(strip $(foreach p,$(PKGS) $(PKGS_oversight),$(call pc_missing,$(p))))
ifneq ($(MISSING_DEV),)
$(error missing $(MISSING_DEV): apt-get install $(MISSING_DEV) (or make deps as root))
endif
endif

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
else ifeq ($(VARIANT),tsan)
CFLAGS   += -O1 -fno-omit-frame-pointer -fsanitize=thread
LDFLAGS  += -fsanitize=thread
else ifeq ($(VARIANT),analyze)
# -O0: at -O1 and above GCC 12's analyzer sees code already simplified
# and misses paths (a double free among them)
CFLAGS   += -O0 -fanalyzer
else ifeq ($(VARIANT),fuzz)
CFLAGS   += -O1 -fno-omit-frame-pointer \
            -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=fuzzer,address,undefined
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
# The bare C peer of the catalog list (tests/bench/peers/bare.c): built by
# make bench only, with libfcgi, Connector/C and jansson and nothing of
# shared/
PEER_BINS  := $(BUILD)/bench/peer_bare

# The API described (issue 16 §6): openapi/*.yaml → one OpenAPI 3.1 file.
OPENAPI  := build/openapi.json

# Unit tests: tests/unit/test_*.c, one binary each.
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS:= $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# Fuzz targets: tests/fuzz/fuzz_<name>.c, each linked twice: with the
# plain replay driver (every variant; make test runs it over the corpus
# and the saved crashers) and with libFuzzer (VARIANT=fuzz).
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BINS := $(FUZZ_NAMES:%=$(BUILD)/fuzz/replay_%)
FUZZ_BINS   := $(FUZZ_NAMES:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_COMMON := $(BUILD)/tests/fuzz/fuzz.o
# the upload target reads bodies in 257-byte chunks (see fuzz_upload.c)
FUZZ_EXTRA_upload := $(BUILD)/tests/fuzz/upload_small.o

.SECONDARY:
.PHONY: all progs deps browser-deps openapi-deps run stop test unit bench bench-peers scale-data clean install \
        analyze analyze-objs fuzz fuzz-bins
all: $(APP_BINS) $(TOOL_BINS) $(UNIT_BINS) $(BENCH_BINS) $(REPLAY_BINS) \
    $(OPENAPI)

# issue 16 §6: the API described, openapi/*.yaml assembled into one
# OpenAPI 3.1 file (python3-yaml; no network); ops/stack.sh and
# ops/install.sh build the served copy the same way
$(OPENAPI): openapi/build.py $(wildcard openapi/*.yaml)
	@echo "  OPENAPI $@"
	@python3 openapi/build.py $@

# the programs alone (the TSan stack of make test)
progs: $(APP_BINS) $(TOOL_BINS)

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
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS) \
	    $(if $(PKGS_$*),$(shell pkg-config --libs $(PKGS_$*)))

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

bench-peers: $(PEER_BINS)

$(BUILD)/bench/peer_bare: $(BUILD)/tests/bench/peers/bare.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $< \
	    $(shell pkg-config --libs fcgi libmariadb jansson) -lpthread

$(BUILD)/tests/fuzz/upload_small.o: shared/web/upload.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (UPLOAD_CHUNK=257)"
	@$(CC) $(CFLAGS) $(INC_web) -DUPLOAD_CHUNK=257 -c -o $@ $<

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o \
    $(BUILD)/tests/fuzz/replay.o $(FUZZ_COMMON) $$(FUZZ_EXTRA_$$*) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) \
    $$(FUZZ_EXTRA_$$*) $(LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LDLIBS)

# The programs, the site, nginx's template, the SQL, the ops scripts,
# systemd's units, logrotate's configuration in their Debian places
# (ops/install.sh; README: the production install). PREFIX (/usr),
# DESTDIR, SYSCONFDIR (/etc), LOCALSTATEDIR (/var), SYSTEMDDIR.
PREFIX ?= /usr
install: progs
	@DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" \
	    LOCALSTATEDIR="$(LOCALSTATEDIR)" SYSTEMDDIR="$(SYSTEMDDIR)" \
	    ops/install.sh $(BUILD)/bin

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

test: deps browser-deps openapi-deps
	@$(MAKE) --no-print-directory VARIANT=asan all
	@$(MAKE) --no-print-directory VARIANT=tsan progs
	@tests/run.sh

# ---- static analysis ----------------------------------------------------
# Every C file of the tree, compiled with the project's flags and
# -fanalyzer (warnings are errors) into build/analyze, so a second run
# only looks at what changed; then cppcheck (tests/analysis/: the jansson
# macros it cannot see, and the suppressions, each with its reason).
ANALYZE_SRC := $(wildcard shared/*/*.c fcgi-apps/*/*.c tools/*.c \
               tests/unit/*.c tests/bench/order_client.c tests/fuzz/*.c)
CPPCHECK_FLAGS := --std=c11 --enable=warning,portability,performance \
    --error-exitcode=1 --inline-suppr --quiet -j2 \
    --library=tests/analysis/jansson.cfg \
    --suppressions-list=tests/analysis/cppcheck.supp \
    --cppcheck-build-dir=build/cppcheck \
    --template='{file}:{line}: {severity}: {message} [{id}]' \
    -D_GNU_SOURCE $(INC_web) -Itests/unit -Itests/fuzz \
    -Ifcgi-apps/ordering

analyze:
	@$(MAKE) --no-print-directory VARIANT=analyze analyze-objs
	@command -v cppcheck >/dev/null || { echo "missing cppcheck: apt-get install cppcheck (or make deps as root)" >&2; exit 1; }
	@mkdir -p build/cppcheck
	@echo "  CPPCHECK $(words $(ANALYZE_SRC)) files"
	@cppcheck $(CPPCHECK_FLAGS) $(ANALYZE_SRC)
	@echo "analyze: clean"

analyze-objs: $(patsubst %.c,$(BUILD)/%.o,$(ANALYZE_SRC))

# ---- fuzzing --------------------------------------------------------------
# Each target runs FUZZ_SECONDS over its working corpus (build/fuzz/corpus,
# kept between runs) seeded from tests/fuzz/corpus/<name>/; a crash, leak
# or timeout is saved as tests/fuzz/crashers/<name>/<kind>-<sha1>: fix it,
# commit the file, and make test replays it from then on.
FUZZ_SECONDS ?= 60
FUZZ_OPTS    ?= -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_LEN_upload := -max_len=20000

fuzz: deps
	@command -v $(FUZZ_CC) >/dev/null || { echo "missing clang-14: apt-get install clang-14 libclang-rt-14-dev (or make deps as root)" >&2; exit 1; }
	@$(MAKE) --no-print-directory VARIANT=fuzz fuzz-bins
	@failed=""; for n in $(FUZZ_NAMES); do \
		mkdir -p build/fuzz/corpus/$$n tests/fuzz/crashers/$$n; \
		echo "== fuzz_$$n for $(FUZZ_SECONDS) s"; \
		dict=; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
		case $$n in upload) len='$(FUZZ_LEN_upload)' ;; *) len= ;; esac; \
		build/fuzz/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
		    $(FUZZ_OPTS) $$len $$dict \
		    -artifact_prefix=tests/fuzz/crashers/$$n/ \
		    build/fuzz/corpus/$$n tests/fuzz/corpus/$$n \
		    >build/fuzz/fuzz_$$n.log 2>&1 || failed="$$failed $$n"; \
		grep -E '^(stat::|INFO: exiting|==[0-9]+==ERROR|SUMMARY)' build/fuzz/fuzz_$$n.log | \
		    grep -E 'number_of_executed_units|new_units_added|ERROR|SUMMARY|exiting' || true; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: crashes in:$$failed (logs build/fuzz/fuzz_<name>.log, inputs in tests/fuzz/crashers/)"; \
		exit 1; \
	fi; echo "fuzz: no crash"

fuzz-bins: $(FUZZ_BINS)

# playwright-core for the browser journeys, pinned by package-lock.json,
# into the git-ignored tests/browser/node_modules (Chromium is Debian's)
browser-deps: tests/browser/node_modules/playwright-core/package.json
tests/browser/node_modules/playwright-core/package.json: tests/browser/package-lock.json
	@cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# the OpenAPI validator of tests/integration/test_openapi.py, pinned by
# tests/openapi/package-lock.json, into its git-ignored node_modules
openapi-deps: tests/openapi/node_modules/@readme/openapi-parser/package.json
tests/openapi/node_modules/@readme/openapi-parser/package.json: tests/openapi/package-lock.json
	@cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

bench: deps
	@ops/deps.sh bench
	@$(MAKE) --no-print-directory VARIANT=release all bench-peers
	@tests/bench/run.sh

scale-data: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@tests/scale/make.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# reliability drills (issue 15): an order rush through kills and a stall,
# the database down, slow clients, a login flood; the concurrency tests
# under innodb_snapshot_isolation=ON (tests/chaos/run.sh)
.PHONY: chaos
chaos: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@tests/chaos/run.sh

# ops (issue 14): the production topology in network namespaces with four
# failures under load, then backup and restore (root; tests/cluster/run.sh)
.PHONY: cluster-test
cluster-test: deps
	@$(MAKE) --no-print-directory VARIANT=release all
	@tests/cluster/run.sh && tests/backup/run.sh
