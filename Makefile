# threatgate: plain Makefile, flags from pkg-config.
# make | make test | make SANITIZE=address,undefined test | make valgrind
# make fuzz | make lint | make format | make install PREFIX=/usr/local DESTDIR=

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/threatgate
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PCDIR     ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
CC        ?= cc
PKG_CONFIG ?= pkg-config
# The version lives in VERSION alone (debian/changelog must agree: a test
# checks). The commit is git's, or, in a `make dist` tarball, its COMMIT.
VERSION   := $(shell cat VERSION)
COMMIT    := $(shell git rev-parse --short=12 HEAD 2>/dev/null || cat COMMIT 2>/dev/null || echo unknown)

PKGS      := libgit2 libcmark-gfm libpcre2-8 yaml-0.1 jansson gumbo
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -pthread
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

WARN := -Wall -Wextra -Werror -pedantic -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
	-Wwrite-strings -Wpointer-arith -Wvla -Wformat=2 -Wshadow -fno-common
OPT      ?= -O2 -g
CFLAGS   ?=
# Where each rule's page (docs/rules/RULE.md) is published: SARIF's helpUri.
# A fork or a packager points it at its own copy (the action does).
RULES_URL ?= https://github.com/threatgate/threatgate/blob/v$(VERSION)/docs/rules/
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE -DTG_VERSION='"$(VERSION)"' \
	-DTG_RULES_URL='"$(RULES_URL)"'
ALL_CFLAGS = -std=c11 -pthread $(WARN) $(OPT) $(PKG_CFLAGS) $(CFLAGS)

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS    += -fsanitize=$(SANITIZE)
endif

BUILD ?= build
LIB_SRC := $(wildcard src/util/*.c src/policy/*.c src/doc/*.c src/model/*.c \
	src/findings/*.c src/rules/*.c src/git/*.c src/inventory/*.c \
	src/report/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
# The rule explanations (docs/rules/<rule>.md), embedded in the library.
RULE_DOCS := $(sort $(wildcard docs/rules/*.md))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/rule_docs.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
# Templates `threatgate init` writes, embedded in the binary.
# So are the git hooks `threatgate install-hooks` writes.
GEN_SRC := $(BUILD)/gen/template_sdd.c $(BUILD)/gen/template_threatgate_sample.c \
	$(BUILD)/gen/commit.c $(BUILD)/gen/hook_pre_commit.c \
	$(BUILD)/gen/hook_pre_push.c $(BUILD)/gen/hook_pre_receive.c
GEN_OBJ := $(GEN_SRC:.c=.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIB := $(BUILD)/libthreatgate.a
BIN := $(BUILD)/threatgate

all: $(BIN) $(BUILD)/man/threatgate-rules.7

# threatgate-rules(7): the rule catalogue and docs/rules/*.md, in mdoc.
$(BUILD)/man/threatgate-rules.7: $(BIN) man/gen-rules.sh
	@mkdir -p $(dir $@)
	man/gen-rules.sh $(BIN) >$@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(GEN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(GEN_OBJ) $(LIB) $(PKG_LIBS)

# $(call embed,SYMBOL): the bytes of $< as a NUL-terminated C array SYMBOL
# and its length SYMBOL_len, with od and awk (xxd may be missing).
define embed
	@mkdir -p $(dir $@)
	@{ printf '/* generated from %s by the Makefile: do not edit */\n' '$<'; \
	  printf '#include <stddef.h>\n'; \
	  printf 'extern const unsigned char $(1)[];\n'; \
	  printf 'extern const size_t $(1)_len;\n'; \
	  printf 'const unsigned char $(1)[] = {\n'; \
	  od -An -v -tx1 $< | awk '{ s = ""; for (i = 1; i <= NF; i++) \
		s = s "0x" $$i ","; if (s != "") print "\t" s }'; \
	  printf '\t0x00\n};\n'; \
	  printf 'const size_t $(1)_len = sizeof($(1)) - 1;\n'; \
	} >$@.tmp && mv $@.tmp $@
endef

$(BUILD)/gen/template_sdd.c: templates/sdd.md Makefile
	$(call embed,cli_template_sdd)

$(BUILD)/gen/template_threatgate_sample.c: templates/threatgate.sample Makefile
	$(call embed,cli_template_threatgate_sample)

$(BUILD)/gen/hook_pre_commit.c: hooks/pre-commit Makefile
	$(call embed,cli_hook_pre_commit)

$(BUILD)/gen/hook_pre_push.c: hooks/pre-push Makefile
	$(call embed,cli_hook_pre_push)

$(BUILD)/gen/hook_pre_receive.c: hooks/pre-receive Makefile
	$(call embed,cli_hook_pre_receive)

# Every docs/rules/*.md as a NUL-terminated array, and the table
# findings/catalog.c looks explanations up in (struct tg_rule_doc).
$(BUILD)/gen/rule_docs.c: $(RULE_DOCS) Makefile
	@mkdir -p $(dir $@)
	@{ printf '/* generated from docs/rules/ by the Makefile: do not edit */\n'; \
	  printf '#include "findings/findings.h"\n'; \
	  n=0; for f in $(RULE_DOCS); do \
	    printf 'static const unsigned char doc%d[] = {\n' $$n; \
	    od -An -v -tx1 $$f | awk '{ s = ""; for (i = 1; i <= NF; i++) \
		s = s "0x" $$i ","; if (s != "") print "\t" s }'; \
	    printf '\t0x00\n};\n'; n=$$((n + 1)); \
	  done; \
	  printf 'const struct tg_rule_doc tg_rule_docs[] = {\n'; \
	  n=0; for f in $(RULE_DOCS); do \
	    printf '\t{ "%s", doc%d, sizeof(doc%d) - 1 },\n' \
		"$$(basename $$f .md)" $$n $$n; n=$$((n + 1)); \
	  done; \
	  printf '\t{ NULL, NULL, 0 }\n};\n'; \
	  printf 'const size_t tg_rule_docs_count = %d;\n' $$n; \
	} >$@.tmp && mv $@.tmp $@

# The commit the binary was built from (`threatgate --version`), rewritten
# only when it changes, so that a new commit relinks without a rebuild.
$(BUILD)/gen/commit.c: FORCE
	@mkdir -p $(dir $@)
	@printf '/* generated by the Makefile: do not edit */\nextern const char cli_commit[];\nconst char cli_commit[] = "%s";\n' \
		'$(COMMIT)' >$@.tmp && { cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@; }

FORCE:

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DFIXTURES='"$(CURDIR)/tests/fixtures"' $(ALL_CFLAGS) \
		-o $@ $< $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS) $(LDFLAGS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# Every test: unit programs, fixture comparisons, integration scripts. All
# three run even when one fails, and the last line totals them.
define RUN_TESTS
sum=$$(mktemp) && rc=0; \
echo "# unit tests"; \
TG_SUMMARY_FILE=$$sum tests/run-unit.sh $(UNIT_BIN) || rc=1; \
echo "# fixtures"; \
TG_SUMMARY_FILE=$$sum tests/run-fixtures.sh $(BIN) || rc=1; \
echo "# integration tests"; \
TG_SUMMARY_FILE=$$sum tests/run-integration.sh $(BIN) || rc=1; \
echo "# library"; \
TG_SUMMARY_FILE=$$sum tests/run-example.sh $(BUILD) $(BIN) $(CC) $(LDFLAGS) || rc=1; \
echo "# layers"; \
if tests/check-layers.sh $(BUILD); then echo "1 0" >>$$sum; \
else echo "0 1" >>$$sum; rc=1; fi; \
awk '{ p += $$1; f += $$2 } END { printf "total: %d passed, %d failed\n", p, f }' $$sum; \
rm -f $$sum; exit $$rc
endef

# Under SANITIZE a report aborts the program (exit 134, or 99), so it can
# never pass for threatgate's own exit 1 (findings).
ifneq ($(SANITIZE),)
export ASAN_OPTIONS ?= abort_on_error=1:exitcode=99:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1:abort_on_error=1
export TSAN_OPTIONS ?= halt_on_error=1:exitcode=99
endif

test: $(BIN) $(UNIT_BIN)
	@$(RUN_TESTS)

# The unit tests and fixture comparisons alone: what the Debian package
# build runs (they need nothing beyond the build dependencies).
test-quick: $(BIN) $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN) && tests/run-fixtures.sh $(BIN)

# Exit 99 on a valgrind error, so that the runners can tell it from
# threatgate's own exit 1 (findings) and fail the test either way.
VALGRIND := valgrind --quiet --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --track-fds=no
valgrind: $(BIN) $(UNIT_BIN)
	@TG_WRAP="$(VALGRIND)"; export TG_WRAP; $(RUN_TESTS)

# libFuzzer builds (clang): FUZZ_TARGET=document (default), the document
# -> model -> rules chain, or FUZZ_TARGET=index, the index reader of
# --staged. Clang's warnings differ from gcc's, so here they are shown but
# not fatal: the gcc build with -Werror is the one that gates.
# make fuzz FUZZ_SECONDS=600; new inputs collect in
# build-fuzz/corpus-$(FUZZ_TARGET), crashes in build-fuzz/crash-*.
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= document
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" \
		CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN) -fno-omit-frame-pointer -Wno-error" \
		LDFLAGS="$(FUZZ_SAN)" build-fuzz/libthreatgate.a
	clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) \
		-fno-omit-frame-pointer $(PKG_CFLAGS) \
		-o build-fuzz/fuzz_$(FUZZ_TARGET) tests/fuzz/fuzz_$(FUZZ_TARGET).c \
		build-fuzz/libthreatgate.a $(PKG_LIBS)
	@mkdir -p build-fuzz/corpus-$(FUZZ_TARGET)
	cd build-fuzz && ./fuzz_$(FUZZ_TARGET) -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -timeout=10 -dict=../tests/fuzz/$(FUZZ_TARGET).dict \
		corpus-$(FUZZ_TARGET) ../tests/fuzz/corpus-$(FUZZ_TARGET)

lint:
	clang-tidy --quiet --warnings-as-errors='*' \
		--checks='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling' \
		$(LIB_SRC) $(CLI_SRC) -- $(CPPFLAGS) -std=c11 $(PKG_CFLAGS)

# Format the lines changed since FORMAT_BASE (default HEAD: what is not
# committed yet) with .clang-format; a clean tree is left as it is.
FORMAT_BASE ?= HEAD
format:
	git clang-format --force --style=file --extensions c,h $(FORMAT_BASE) -- src include tests

# The picture of `scan --format html` in the README (needs chromium).
screenshot: $(BIN)
	docs/scan-demo.sh $(BIN) docs/scan.png

# The library for C programs: headers, libthreatgate.a, threatgate.pc
# (tests/run-example.sh builds a program against the installed copy).
$(BUILD)/threatgate.pc: Makefile
	@mkdir -p $(dir $@)
	@{ printf 'prefix=%s\nlibdir=%s\nincludedir=%s\n\n' \
		'$(PREFIX)' '$(LIBDIR)' '$(INCLUDEDIR)'; \
	  printf 'Name: threatgate\nDescription: %s\nVersion: %s\n' \
		'checks the threat model of design documents' '$(VERSION)'; \
	  printf 'Requires.private: %s\n' '$(PKGS)'; \
	  printf 'Cflags: -I$${includedir}\n'; \
	  printf 'Libs: -L$${libdir} -lthreatgate\n'; \
	  printf 'Libs.private: -lcmark-gfm-extensions -pthread\n'; \
	} >$@.tmp && mv $@.tmp $@

install-lib: $(LIB) $(BUILD)/threatgate.pc
	install -d $(DESTDIR)$(INCLUDEDIR)/threatgate $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PCDIR)
	install -m 0644 include/threatgate.h $(DESTDIR)$(INCLUDEDIR)/threatgate.h
	install -m 0644 include/threatgate/*.h $(DESTDIR)$(INCLUDEDIR)/threatgate/
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/libthreatgate.a
	install -m 0644 $(BUILD)/threatgate.pc $(DESTDIR)$(PCDIR)/threatgate.pc

install: $(BIN) $(BUILD)/man/threatgate-rules.7 install-lib
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/hooks $(DESTDIR)$(DATADIR)/templates \
		$(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/threatgate
	install -m 0644 man/threatgate.1 $(DESTDIR)$(MANDIR)/man1/threatgate.1
	install -m 0644 man/threatgate-policy.5 $(DESTDIR)$(MANDIR)/man5/threatgate-policy.5
	install -m 0644 $(BUILD)/man/threatgate-rules.7 $(DESTDIR)$(MANDIR)/man7/threatgate-rules.7
	install -m 0755 hooks/* $(DESTDIR)$(DATADIR)/hooks/
	install -m 0644 templates/sdd.md $(DESTDIR)$(DATADIR)/templates/sdd.md
	install -D -m 0644 -t $(DESTDIR)$(DATADIR)/templates/ci templates/ci/*
	install -m 0644 templates/threatgate.sample \
		$(DESTDIR)$(DATADIR)/templates/threatgate.sample
	install -m 0644 schemas/*.json $(DESTDIR)$(DATADIR)/schemas/
	install -m 0644 completion/threatgate.bash $(DESTDIR)$(BASHCOMPDIR)/threatgate
	install -m 0644 completion/_threatgate $(DESTDIR)$(ZSHCOMPDIR)/_threatgate

# A release tarball of HEAD with its checksum: dist/threatgate-VERSION.tar.gz
# and .sha256. The tarball carries COMMIT, read when there is no .git.
DIST := threatgate-$(VERSION)
dist:
	@git diff --quiet HEAD -- || { echo "make dist: the work tree has changes: commit them first" >&2; exit 1; }
	@mkdir -p dist $(BUILD)/dist
	git rev-parse --short=12 HEAD >$(BUILD)/dist/COMMIT
	git archive --format=tar --prefix=$(DIST)/ \
		--add-file=$(BUILD)/dist/COMMIT HEAD | gzip -n -9 >dist/$(DIST).tar.gz
	cd dist && sha256sum $(DIST).tar.gz >$(DIST).tar.gz.sha256
	@cat dist/$(DIST).tar.gz.sha256

clean:
	rm -rf $(BUILD) build-fuzz dist

.PHONY: all test test-quick valgrind fuzz lint format screenshot install install-lib clean dist FORCE
