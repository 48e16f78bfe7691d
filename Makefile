# threatgate: plain Makefile, flags from pkg-config.
# make | make test | make SANITIZE=address,undefined test | make valgrind
# make fuzz | make lint | make format | make install PREFIX=/usr/local DESTDIR=

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/threatgate
CC        ?= cc
PKG_CONFIG ?= pkg-config
VERSION   := 0.1.0

PKGS      := libgit2 libcmark-gfm libpcre2-8 yaml-0.1 jansson
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

WARN := -Wall -Wextra -Werror -pedantic -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
	-Wwrite-strings -Wpointer-arith -Wvla -Wformat=2 -Wshadow -fno-common
OPT      ?= -O2 -g
CFLAGS   ?=
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE -DTG_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=c11 $(WARN) $(OPT) $(PKG_CFLAGS) $(CFLAGS)

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=$(SANITIZE)
endif

BUILD ?= build
LIB_SRC := $(wildcard src/util/*.c src/git/*.c src/doc/*.c src/model/*.c \
	src/policy/*.c src/rules/*.c src/report/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIB := $(BUILD)/libthreatgate.a
BIN := $(BUILD)/threatgate

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS) $(LDFLAGS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Every test: unit programs, fixture comparisons, integration scripts.
test: $(BIN) $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)
	@tests/run-fixtures.sh $(BIN)
	@tests/run-integration.sh $(BIN)

VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite --track-fds=no
valgrind: $(BIN) $(UNIT_BIN)
	@TG_WRAP="$(VALGRIND)" tests/run-unit.sh $(UNIT_BIN)
	@TG_WRAP="$(VALGRIND)" tests/run-fixtures.sh $(BIN)
	@TG_WRAP="$(VALGRIND)" tests/run-integration.sh $(BIN)

# libFuzzer build of the document -> model -> rules chain (clang).
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" \
		CFLAGS="-fsanitize=fuzzer-no-link,address,undefined" \
		LDFLAGS="-fsanitize=address,undefined" build-fuzz/libthreatgate.a
	clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
		$(PKG_CFLAGS) -o build-fuzz/fuzz_document tests/fuzz/fuzz_document.c \
		build-fuzz/libthreatgate.a $(PKG_LIBS)
	@mkdir -p build-fuzz/corpus
	build-fuzz/fuzz_document -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-timeout=10 build-fuzz/corpus tests/fuzz/corpus

lint:
	clang-tidy --quiet --warnings-as-errors='*' \
		--checks='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling' \
		$(LIB_SRC) $(CLI_SRC) -- $(CPPFLAGS) -std=c11 $(PKG_CFLAGS)

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h include/*.h include/threatgate/*.h)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/hooks $(DESTDIR)$(DATADIR)/templates
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/threatgate
	install -m 0644 man/threatgate.1 $(DESTDIR)$(MANDIR)/man1/threatgate.1
	install -m 0644 man/threatgate-policy.5 $(DESTDIR)$(MANDIR)/man5/threatgate-policy.5
	install -m 0755 hooks/* $(DESTDIR)$(DATADIR)/hooks/
	install -m 0644 templates/sdd.md $(DESTDIR)$(DATADIR)/templates/sdd.md

clean:
	rm -rf $(BUILD) build-fuzz

.PHONY: all test valgrind fuzz lint format install clean
