# paperwatch — plain Makefile; CFLAGS, PREFIX, DESTDIR may be overridden.

VERSION = 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build
BIN ?= paperwatch

PKGS = lua5.4 libcurl sqlite3 libnotify expat libpcre2-8 libcjson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl and libnotify (with GIO, GObject, GDK-Pixbuf) are not linked:
# http.c and notify.c dlopen them at first use (agent/dl.h), so a command
# that neither fetches nor notifies never maps them. Their headers above.
LINK_PKGS = lua5.4 sqlite3 glib-2.0 expat libpcre2-8 libcjson
PKG_LIBS := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null) -ldl

WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wformat=2
DEFS = -D_GNU_SOURCE -DPW_VERSION='"$(VERSION)"' \
       -DPW_PREFIX='"$(PREFIX)"'
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)

# Core modules never include lua.h; bindings (l_*.c) and host.c do.
CORE = util log text ident paper json feed dl http store notify
LUAHOST = host score l_re l_json l_log l_time l_feed l_http
PIPE = pipeline cli
COREOBJS = $(addprefix $(BUILD)/,$(addsuffix .o,$(CORE)))
OBJS = $(addprefix $(BUILD)/,$(addsuffix .o,$(CORE) $(LUAHOST) $(PIPE)))
UNIT = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps test-deps run test asan bench fuzz clean install uninstall

all: deps $(BIN)

deps:
	@sh scripts/deps.sh build

test-deps:
	@sh scripts/deps.sh test

$(BIN): $(OBJS) $(BUILD)/main.o
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS) -lm

$(BUILD)/%.o: agent/%.c agent/*.h | $(BUILD)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -I$(BUILD) -c -o $@ $<

# The built-in default config is config/init.lua, compiled in.
$(BUILD)/host.o: $(BUILD)/default_config.h
$(BUILD)/default_config.h: config/init.lua scripts/embed.sh | $(BUILD)
	sh scripts/embed.sh default_config_lua config/init.lua > $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(COREOBJS) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -Iagent -DPW_SRCDIR='"$(CURDIR)"' -o $@ $< $(COREOBJS) \
	    $(PKG_LIBS) $(LDFLAGS) -lm

$(BUILD):
	@mkdir -p $(BUILD)

units: $(UNIT)

run: all
	./$(BIN) run

test: test-deps all units
	@PW_BIN=$(CURDIR)/$(BIN) PW_BUILD=$(CURDIR)/$(BUILD) \
	    /usr/bin/python3 tests/run

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, leak
# checking on (tests/lsan.supp names the one-time allocations of GLib and
# D-Bus that are not ours).
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined
asan: test-deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/paperwatch \
	    CFLAGS='$(ASAN_FLAGS)' LDFLAGS='-fsanitize=address,undefined' \
	    build-asan/paperwatch units
	@PW_BIN=$(CURDIR)/build-asan/paperwatch PW_BUILD=$(CURDIR)/build-asan \
	    PW_SANITIZED=1 \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    /usr/bin/python3 tests/run

# Speed and memory against the named peers on the same generated input
# (scripts/bench/); figures, never assertions.
bench: all
	@sh scripts/deps.sh bench
	@sh scripts/bench/run.sh

# libFuzzer over the feed parser, seeded from the fixtures, for
# FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
fuzz:
	@sh scripts/fuzz.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/paperwatch/lua/paperwatch/sources
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/paperwatch
	cp -R lua/. $(DESTDIR)$(PREFIX)/share/paperwatch/lua/
	install -d $(DESTDIR)$(PREFIX)/share/paperwatch/config
	install -m 644 config/*.lua $(DESTDIR)$(PREFIX)/share/paperwatch/config/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/paperwatch
	rm -rf $(DESTDIR)$(PREFIX)/share/paperwatch

clean:
	rm -rf build build-asan $(BIN)
