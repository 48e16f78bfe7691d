#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='a release you can pin: one version, make dist, the package metadata, completion

VERSION is the one place of the version: --version, debian/changelog and
the reports agree with it. make dist writes a tarball and its checksum,
and the tarball carries the commit. debian/control builds with what
install.sh installs. The bash completion completes commands, options and
rule names from the program itself.'

. "$(dirname "$0")/lib.sh"

VERSION=$(cat "$SOURCE_DIRECTORY/VERSION")

test_expect_success 'VERSION is a version; --version names it and a commit' '
	echo "$VERSION" | grep -Eq "^[0-9]+\.[0-9]+\.[0-9]+$" &&
	expect_exit 0 threatgate --version &&
	expect_stdout_matches "^threatgate $VERSION \((commit [0-9a-f]{7,40}|commit unknown)\)$" &&
	expect_exit 0 threatgate version &&
	expect_stdout_matches "^threatgate $VERSION "
'

test_expect_success 'the reports carry the same version' '
	mkdir -p docs/design && tg_doc_good >docs/design/a.md &&
	expect_exit 0 threatgate check --format json docs/design/a.md &&
	grep -q "\"version\": \"$VERSION\"" "$TG_LAST_STDOUT"
'

test_expect_success 'debian/changelog is at VERSION, native, and names no other version on top' '
	head -n 1 "$SOURCE_DIRECTORY/debian/changelog" >top &&
	grep -Eq "^threatgate \($VERSION\) [a-z-]+; urgency=[a-z]+$" top &&
	test "$(cat "$SOURCE_DIRECTORY/debian/source/format")" = "3.0 (native)"
'

test_expect_success 'debian/control builds with install.sh'"'"'s build list (build-essential is implied)' '
	"$SOURCE_DIRECTORY/install.sh" --list build | grep -v "^build-essential$" | sort >want &&
	sed -n "/^Build-Depends:/,/^[A-Z]/p" "$SOURCE_DIRECTORY/debian/control" |
		sed -e "s/^Build-Depends://" -e "/^[A-Z]/d" | tr "," "\n" |
		sed -e "s/^[[:space:]]*//" -e "s/[[:space:]]*$//" -e "s/ .*//" -e "/^$/d" |
		grep -v "^debhelper-compat$" | sort >have &&
	diff -u want have
'

# A git repository of this tree at one commit, in which make dist runs:
# a clone when the tree is a git checkout, else the files committed anew.
dist_repo() {
	if git -C "$SOURCE_DIRECTORY" rev-parse --git-dir >/dev/null 2>&1; then
		git clone -q "$SOURCE_DIRECTORY" src
	else
		mkdir src && (cd "$SOURCE_DIRECTORY" && tar --exclude=./build --exclude="./build-*" --exclude=./dist -cf - .) |
			tar -C src -xf - && git -C src init -q && git -C src add -A && git -C src commit -q -m tree
	fi
}

test_expect_success 'make dist: a tarball, its sha256, and the commit inside' '
	test_require make sha256sum gzip &&
	dist_repo &&
	commit=$(git -C src rev-parse --short=12 HEAD) &&
	make -s -C src dist >dist.out &&
	test -s "src/dist/threatgate-$VERSION.tar.gz" &&
	(cd src/dist && sha256sum -c "threatgate-$VERSION.tar.gz.sha256") &&
	tar -xzf "src/dist/threatgate-$VERSION.tar.gz" &&
	test "$(cat "threatgate-$VERSION/COMMIT")" = "$commit" &&
	test "$(cat "threatgate-$VERSION/VERSION")" = "$VERSION" &&
	test -x "threatgate-$VERSION/install.sh" &&
	test -f "threatgate-$VERSION/debian/rules" &&
	! test -e "threatgate-$VERSION/build" &&
	! test -e "threatgate-$VERSION/.git"
'

test_expect_success 'make dist twice gives the same bytes; it refuses a dirty tree' '
	sum1=$(cut -d" " -f1 "src/dist/threatgate-$VERSION.tar.gz.sha256") &&
	rm -rf src/dist && make -s -C src dist >/dev/null &&
	test "$(cut -d" " -f1 "src/dist/threatgate-$VERSION.tar.gz.sha256")" = "$sum1" &&
	echo change >>src/README.md &&
	test_must_fail make -s -C src dist 2>err &&
	grep -q "the work tree has changes" err
'

# complete WORDS...: what the bash completion offers for the last word.
complete_words() {
	bash -c ". \"$SOURCE_DIRECTORY/completion/threatgate.bash\"
		COMP_WORDS=(\"\$@\"); COMP_CWORD=\$((\$# - 1)); _threatgate
		printf \"%s\\n\" \"\${COMPREPLY[@]}\"" complete "$@"
}

test_expect_success 'bash completion: commands, options, values and rules, from the program' '
	complete_words threatgate ch >out && grep -qx check out &&
	complete_words threatgate check --fo >out && grep -qx -- --format out &&
	grep -qx -- --forge-url out &&
	complete_words threatgate check --format "" >out && grep -qx sarif out && ! grep -qx html out &&
	complete_words threatgate scan --format "" >out && grep -qx html out &&
	complete_words threatgate check --fail-on w >out && test "$(cat out)" = warning &&
	complete_words threatgate explain signoff-r >out && grep -qx signoff-required out &&
	complete_words threatgate hook pre-r >out && test "$(cat out)" = pre-receive
'

test_expect_success 'zsh completion is a completion function zsh can read' '
	test_require zsh &&
	head -n 1 "$SOURCE_DIRECTORY/completion/_threatgate" | grep -qx "#compdef threatgate" &&
	zsh -n "$SOURCE_DIRECTORY/completion/_threatgate"
'

test_expect_success 'make install puts the completion, the schemas and the man pages in place' '
	test_require make &&
	build=$(dirname "$THREATGATE_REAL") &&
	{ test -f "$build/libthreatgate.a" || { echo "error: $THREATGATE_REAL is not a build of this tree"; false; }; } &&
	make -s -C "$SOURCE_DIRECTORY" install DESTDIR="$TRASH_DIRECTORY/root" PREFIX=/usr \
		BUILD="$build" >install.out 2>&1 &&
	test -s root/usr/share/bash-completion/completions/threatgate &&
	test -s root/usr/share/zsh/vendor-completions/_threatgate &&
	test -s root/usr/share/threatgate/schemas/check-report.schema.json &&
	test -s root/usr/share/threatgate/schemas/scan-report.schema.json &&
	test -s root/usr/share/man/man1/threatgate.1 &&
	test -x root/usr/bin/threatgate
'

test_done
