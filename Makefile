# paperwatch — plain Makefile; CFLAGS, PREFIX, DESTDIR may be overridden.

VERSION = 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
# systemd user units (config/systemd/), found there under any PREFIX
SYSTEMD_USER_DIR ?= $(PREFIX)/lib/systemd/user
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
MAN1 = $(wildcard doc/*.1)
MAN5 = $(wildcard doc/*.5)
EXAMPLES = $(wildcard config/examples/*.lua)
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
PKG_LIBS := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null) -ldl -pthread

WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wwrite-strings -Wformat=2
DEFS = -pthread -D_GNU_SOURCE -DPW_VERSION='"$(VERSION)"' \
       -DPW_PREFIX='"$(PREFIX)"'
ALL_CFLAGS = $(WARN) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)

# Core modules never include lua.h; bindings (l_*.c) and host.c do.
CORE = util log text ident paper json feed parallel dl libcurl http query \
       rank store notify term digest mail lits match
LUAHOST = host score l_re l_json l_log l_time l_feed l_http l_digest l_mail \
          l_db l_notify
PIPE = pipeline pipeline_digest notices daemon importer exporter help \
       explain check cli
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
	install -d $(DESTDIR)$(SYSTEMD_USER_DIR)
	for u in config/systemd/*.service config/systemd/*.timer; do \
	    sed 's|@BINDIR@|$(PREFIX)/bin|g' $$u > $(DESTDIR)$(SYSTEMD_USER_DIR)/$${u##*/} && \
	    chmod 644 $(DESTDIR)$(SYSTEMD_USER_DIR)/$${u##*/} || exit 1; \
	done
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	for m in $(MAN1); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/ || exit 1; done
	for m in $(MAN5); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/ || exit 1; done
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completion/paperwatch.bash $(DESTDIR)$(BASHCOMPDIR)/paperwatch
	install -m 644 completion/_paperwatch $(DESTDIR)$(ZSHCOMPDIR)/_paperwatch
	install -d $(DESTDIR)$(PREFIX)/share/paperwatch/examples
	for x in $(EXAMPLES); do install -m 644 $$x $(DESTDIR)$(PREFIX)/share/paperwatch/examples/ || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/paperwatch
	rm -rf $(DESTDIR)$(PREFIX)/share/paperwatch
	rm -f $(DESTDIR)$(SYSTEMD_USER_DIR)/paperwatch.service \
	    $(DESTDIR)$(SYSTEMD_USER_DIR)/paperwatch-run.service \
	    $(DESTDIR)$(SYSTEMD_USER_DIR)/paperwatch-run.timer \
	    $(DESTDIR)$(SYSTEMD_USER_DIR)/paperwatch-digest.service \
	    $(DESTDIR)$(SYSTEMD_USER_DIR)/paperwatch-digest.timer
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m##*/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$${m##*/}; done
	rm -f $(DESTDIR)$(BASHCOMPDIR)/paperwatch $(DESTDIR)$(ZSHCOMPDIR)/_paperwatch

clean:
	rm -rf build build-asan $(BIN)
