#!/bin/bash
test_description='install.sh --hooks REPO and install.sh --server BARE.git

The client hooks (pre-commit, pre-push) go into a work repository, the
pre-receive hook into a bare one, in the hooks folder git uses
(core.hooksPath honoured). A hook that was there before is kept as
HOOK.local and runs first, with the same arguments and standard input;
running the installer again changes nothing.'

. "$(dirname "$0")/lib.sh"

INSTALL="$SOURCE_DIRECTORY/install.sh"

test_expect_success 'install.sh --hooks installs pre-commit and pre-push, and they work' '
	git init -q repo &&
	expect_exit 0 "$INSTALL" --hooks repo &&
	expect_stdout_contains "installed" &&
	test -x repo/.git/hooks/pre-commit &&
	test -x repo/.git/hooks/pre-push &&
	test_must_fail test -e repo/.git/hooks/pre-receive &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-commit" repo/.git/hooks/pre-commit &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-push" repo/.git/hooks/pre-push &&
	cd repo &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add . &&
	expect_exit 1 git commit -q -m "bad" &&
	expect_stderr_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]"
'

test_expect_success 'a relative REPO is taken from where install.sh was started, an absolute one as is' '
	git init -q nested &&
	mkdir -p elsewhere &&
	cd elsewhere &&
	expect_exit 0 "$INSTALL" --hooks ../nested &&
	test -x ../nested/.git/hooks/pre-commit &&
	git init -q "$TRASH_DIRECTORY/absolute" &&
	expect_exit 0 "$INSTALL" --hooks "$TRASH_DIRECTORY/absolute" &&
	test -x "$TRASH_DIRECTORY/absolute/.git/hooks/pre-push"
'

test_expect_success 'an existing pre-commit hook is kept as pre-commit.local and runs first' '
	git init -q chained &&
	write_file chained/.git/hooks/pre-commit <<-\EOF &&
	#!/bin/sh
	echo "local pre-commit ran with $# args" >>"$TRASH_DIRECTORY/local.log"
	test ! -e "$TRASH_DIRECTORY/local-says-no"
	EOF
	chmod +x chained/.git/hooks/pre-commit &&
	cp chained/.git/hooks/pre-commit original &&
	expect_exit 0 "$INSTALL" --hooks chained &&
	expect_stdout_contains "pre-commit.local" &&
	cmp original chained/.git/hooks/pre-commit.local &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-commit" chained/.git/hooks/pre-commit &&
	cd chained &&
	tg_doc_good | write_file docs/design/rotation.md &&
	git add . &&
	expect_exit 0 git commit -q -m "good" &&
	test "$(grep -c "local pre-commit ran" "$TRASH_DIRECTORY/local.log")" -eq 1
'

test_expect_success 'the chained hook refusing refuses the commit, before threatgate runs' '
	cd chained &&
	: >"$TRASH_DIRECTORY/local-says-no" &&
	echo "more" >>docs/design/rotation.md &&
	git add . &&
	head=$(git rev-parse HEAD) &&
	expect_exit 1 env THREATGATE=no-such-binary git commit -q -m "refused by the local hook" &&
	expect_stderr_lacks "no-such-binary" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	test "$(grep -c "local pre-commit ran" "$TRASH_DIRECTORY/local.log")" -eq 2 &&
	rm "$TRASH_DIRECTORY/local-says-no" &&
	tg_doc_bad >docs/design/rotation.md &&
	git add . &&
	expect_exit 1 git commit -q -m "bad, local hook fine" &&
	expect_stderr_contains "[threat-missing-priority]" &&
	test "$(grep -c "local pre-commit ran" "$TRASH_DIRECTORY/local.log")" -eq 3 &&
	git reset -q --hard
'

test_expect_success 'running the installer again changes nothing: .local is not overwritten' '
	ls -la chained/.git/hooks >before &&
	cp chained/.git/hooks/pre-commit.local local.before &&
	expect_exit 0 "$INSTALL" --hooks chained &&
	expect_stdout_lacks "kept" &&
	expect_exit 0 "$INSTALL" --hooks chained &&
	cmp local.before chained/.git/hooks/pre-commit.local &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-commit" chained/.git/hooks/pre-commit &&
	ls -la chained/.git/hooks >after &&
	test "$(ls chained/.git/hooks | grep -v "\.sample$" | sort | tr "\n" " ")" = "pre-commit pre-commit.local pre-push "
'

test_expect_success 'a foreign hook where HOOK.local exists already: the installer stops, touching nothing' '
	git init -q clash &&
	printf "#!/bin/sh\nexit 0\n" >clash/.git/hooks/pre-push &&
	printf "#!/bin/sh\nexit 0\n" >clash/.git/hooks/pre-push.local &&
	cp clash/.git/hooks/pre-push clash.before &&
	expect_exit 1 "$INSTALL" --hooks clash &&
	expect_stderr_contains "pre-push.local exists too" &&
	cmp clash.before clash/.git/hooks/pre-push
'

test_expect_success 'an existing pre-push hook gets the same standard input as threatgate' '
	git init -q --bare pushed.git &&
	git init -q pusher &&
	write_file pusher/.git/hooks/pre-push <<-\EOF &&
	#!/bin/sh
	echo "args: $1 $2" >"$TRASH_DIRECTORY/pre-push.args"
	cat >"$TRASH_DIRECTORY/pre-push.stdin"
	EOF
	chmod +x pusher/.git/hooks/pre-push &&
	expect_exit 0 "$INSTALL" --hooks pusher &&
	cd pusher &&
	git remote add origin ../pushed.git &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add . &&
	git commit -q --no-verify -m "bad" &&
	expect_exit 1 git push origin main &&
	expect_stderr_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	grep -x "args: origin ../pushed.git" "$TRASH_DIRECTORY/pre-push.args" &&
	grep -x "refs/heads/main $(git rev-parse HEAD) refs/heads/main 0\{40\}" "$TRASH_DIRECTORY/pre-push.stdin" &&
	expect_ref ../pushed.git refs/heads/main none &&
	tg_doc_good >docs/design/rotation.md &&
	git commit -q -a --no-verify -m "good" &&
	expect_exit 0 git push origin main &&
	expect_ref ../pushed.git refs/heads/main "$(git rev-parse HEAD)" &&
	grep -q "^refs/heads/main $(git rev-parse HEAD) " "$TRASH_DIRECTORY/pre-push.stdin"
'

test_expect_success 'core.hooksPath is honoured' '
	git init -q shared &&
	git -C shared config core.hooksPath .githooks &&
	expect_exit 0 "$INSTALL" --hooks shared &&
	test -x shared/.githooks/pre-commit &&
	test -x shared/.githooks/pre-push &&
	test_must_fail test -e shared/.git/hooks/pre-commit &&
	cd shared &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add docs &&
	expect_exit 1 git commit -q -m "bad" &&
	expect_stderr_contains "[threat-missing-priority]"
'

test_expect_success 'install.sh --server installs pre-receive, chaining the one that was there' '
	git init -q --bare server.git &&
	write_file server.git/hooks/pre-receive <<-\EOF &&
	#!/bin/sh
	cat >>"$TRASH_DIRECTORY/server-local.stdin"
	EOF
	chmod +x server.git/hooks/pre-receive &&
	expect_exit 0 "$INSTALL" --server server.git &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-receive" server.git/hooks/pre-receive &&
	test -x server.git/hooks/pre-receive.local &&
	test_must_fail test -e server.git/hooks/pre-commit &&
	git init -q client &&
	tg_doc_bad | write_file client/docs/design/rotation.md &&
	git -C client add . &&
	git -C client commit -q -m "bad" &&
	cd client &&
	expect_exit 1 git push ../server.git main &&
	expect_stderr_matches "^remote: docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	grep -q " $(git rev-parse HEAD) refs/heads/main\$" "$TRASH_DIRECTORY/server-local.stdin" &&
	expect_ref ../server.git refs/heads/main none &&
	tg_doc_good >docs/design/rotation.md &&
	git commit -q -a -m "good" &&
	expect_exit 0 git push ../server.git main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	expect_exit 0 "$INSTALL" --server ../server.git &&
	test "$(ls ../server.git/hooks | grep -v "\.sample$" | sort | tr "\n" " ")" = "pre-receive pre-receive.local "
'

test_expect_success 'a server pre-receive that refuses wins, whatever threatgate thinks' '
	write_file server.git/hooks/pre-receive.local <<-\EOF &&
	#!/bin/sh
	cat >/dev/null
	echo "local policy: no pushes today" >&2
	exit 1
	EOF
	cd client &&
	echo "more" >>docs/design/rotation.md &&
	git commit -q -a -m "more" &&
	expect_exit 1 git push ../server.git main &&
	expect_stderr_contains "remote: local policy: no pushes today" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD~1)"
'

test_expect_success 'bad usage and a directory that is no repository are errors' '
	expect_exit 2 "$INSTALL" --hooks &&
	expect_stderr_contains "usage:" &&
	expect_exit 2 "$INSTALL" --server &&
	mkdir -p plain &&
	expect_exit 1 "$INSTALL" --hooks plain &&
	expect_stderr_contains "not a git repository" &&
	expect_exit 1 "$INSTALL" --server no-such-dir.git &&
	expect_stderr_contains "no such directory"
'

test_expect_success 'threatgate install-hooks: the same without the source tree, from any folder' '
	git init -q plain-install &&
	cd plain-install &&
	expect_exit 0 threatgate install-hooks &&
	expect_stdout_contains "installed $TRASH_DIRECTORY/plain-install/.git/hooks/pre-commit" &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-commit" .git/hooks/pre-commit &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-push" .git/hooks/pre-push &&
	expect_exit 0 threatgate install-hooks --server . &&
	expect_stdout_contains "not a bare repository" &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-receive" .git/hooks/pre-receive &&
	expect_exit 2 threatgate install-hooks one two &&
	expect_exit 2 threatgate install-hooks --global repo
'

test_expect_success 'install-hooks --global on a fresh HOME: git init, then a commit runs the hook' '
	mkdir -p fresh-home &&
	export HOME="$TRASH_DIRECTORY/fresh-home" &&
	unset XDG_CONFIG_HOME &&
	test_must_fail test -e "$HOME/.gitconfig" &&
	expect_exit 0 threatgate install-hooks --global &&
	expect_stdout_contains "set init.templateDir = $HOME/.config/threatgate/git-template" &&
	test "$(git config --global init.templateDir)" = "$HOME/.config/threatgate/git-template" &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-commit" "$HOME/.config/threatgate/git-template/hooks/pre-commit" &&
	git init -q "$HOME/newrepo" &&
	cd "$HOME/newrepo" &&
	test -x .git/hooks/pre-commit &&
	test -x .git/hooks/pre-push &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add . &&
	expect_exit 1 git commit -q -m "bad" &&
	expect_stderr_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	tg_doc_good >docs/design/rotation.md &&
	git add . &&
	expect_exit 0 git commit -q -m "good" &&
	expect_exit 0 threatgate install-hooks --global &&
	expect_stdout_lacks "set init.templateDir" &&
	expect_stdout_lacks "kept"
'

test_expect_success 'install-hooks --global honours a global core.hooksPath, chaining what is there' '
	export HOME="$TRASH_DIRECTORY/hookspath-home" &&
	mkdir -p "$HOME/githooks" &&
	printf "#!/bin/sh\necho corporate pre-commit >&2\n" >"$HOME/githooks/pre-commit" &&
	chmod +x "$HOME/githooks/pre-commit" &&
	git config --global core.hooksPath "~/githooks" &&
	expect_exit 0 threatgate install-hooks --global &&
	expect_stdout_contains "the global core.hooksPath is" &&
	test -x "$HOME/githooks/pre-commit.local" &&
	cmp "$SOURCE_DIRECTORY/hooks/pre-commit" "$HOME/githooks/pre-commit" &&
	test_must_fail git config --global init.templateDir &&
	git init -q "$HOME/r" &&
	cd "$HOME/r" &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add . &&
	expect_exit 1 git commit -q -m "bad" &&
	expect_stderr_contains "corporate pre-commit" &&
	expect_stderr_contains "[threat-missing-priority]"
'

test_done
