#!/usr/bin/env bash
# Real-code corpus check: run `gofixslice -w` over code it did not write,
# then require that the code still builds, that go vet and the code's own
# tests pass for every package a fix changed (or fail exactly as they did
# before the fixes), and that a second run changes nothing. Prints per-rule
# counts of findings and fixes.
#
# Usage: bench/corpus.sh [quick|std|modules|all]   (default: all)
#
#   quick    golang.org/x/tools's cmd/splitdwarf packages (one subslice-pin
#            fix), from the module cache (CI, under 2 minutes)
#   std      the Go standard library, in a writable copy of the whole GOROOT
#            (run with GOROOT=<copy> and <copy>/bin first on PATH: copying
#            single std packages elsewhere fails on internal/ imports)
#   modules  golang.org/x/tools, golang.org/x/net, golang.org/x/text and
#            github.com/dave/dst, copied from the module cache (downloaded
#            with go mod download when missing) with their go.mod
#   all      std and modules
#
# Environment: CORPUS_DIR (work directory, default a new /tmp directory,
# kept for inspection, except after a passing quick run), CORPUS_MODULES (space-separated module@version
# entries overriding the modules; module@version:pattern checks only the
# packages matching pattern instead of ./...), CORPUS_TEST_FLAGS (default
# -short; -count=1 is always added).
#
# Exit status 0 when every check passed, 1 otherwise. The work directory
# holds each corpus's JSON findings, -w output, the diff of the fixes and
# the logs of every go command.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-all}
work=${CORPUS_DIR:-$(mktemp -d /tmp/gofixslice-corpus.XXXXXX)}
mkdir -p "$work"
testflags=${CORPUS_TEST_FLAGS:--short}
default_modules="golang.org/x/tools@v0.52.0 golang.org/x/net@v0.62.0 golang.org/x/text@v0.43.0 github.com/dave/dst@v0.28.0"
quick_modules="golang.org/x/tools@v0.52.0:./cmd/splitdwarf/..."

command -v jq >/dev/null || { echo "corpus: jq is required" >&2; exit 2; }
export GOWORK=off GOTOOLCHAIN=local
# The caller's GOFLAGS (CI sets -mod=mod) must not reach the standard
# library, which builds from its vendor directory.
base_goflags=-buildvcs=false
export GOFLAGS=$base_goflags

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
log() { echo "== $*"; }

echo "corpus work directory: $work"
log "building gofixslice"
tool="$work/gofixslice"
(cd "$repo" && GOFLAGS="$base_goflags -mod=mod" go build -o "$tool" ./cmd/gofixslice) || { echo "build failed" >&2; exit 2; }

# counts FILE.json: per-rule findings and fixes of a -json run.
counts() {
	printf '   %-18s %9s %7s\n' rule findings fixed
	jq -r '.findings | group_by(.rule)[] | [.[0].rule, length, (map(select(.fixable)) | length)] | @tsv' "$1" |
		while IFS=$'\t' read -r rule n f; do printf '   %-18s %9d %7d\n' "$rule" "$n" "$f"; done
	jq -r '"   total              \(.findings | length | tostring | (" " * (9 - length)) + .) \(.findings | map(select(.fixable)) | length | tostring | (" " * (7 - length)) + .)"' "$1"
	local nerr
	nerr=$(jq '.errors | length' "$1")
	if [ "$nerr" != 0 ]; then
		echo "   errors reported by gofixslice: $nerr (first 10 below)"
		jq -r '.errors[:10][] | "     " + (split("\n")[0])' "$1"
	fi
}

# changed_dirs ORIG FIXED: the directories (relative) of .go files that differ.
changed_dirs() {
	diff -rq "$1" "$2" 2>/dev/null | sed -n 's/^Files .* and \(.*\) differ$/\1/p' | grep '\.go$' |
		sed "s|^$2/||" | xargs -r -n1 dirname | sort -u
}

# per_package DIR OUT CMD...: runs CMD PKG for each package of $pkgs in DIR,
# writing the names of the packages for which it fails to OUT.
per_package() {
	local dir=$1 out=$2
	shift 2
	: >"$out"
	for p in $pkgs; do
		(cd "$dir" && "$@" "$p") >>"$out.log" 2>&1 || echo "$p" >>"$out"
	done
}

# check NAME FIXED ORIG PATTERN: the whole check for one corpus. FIXED is
# the writable copy to fix, ORIG an untouched copy for the baseline;
# PATTERN is what gofixslice and the go commands get. The go commands of
# the fixed tree run with the variables of the array FIXED_ENV (GOROOT and
# PATH for std), those of the baseline with ORIG_ENV; VET_ALL set runs
# go vet PATTERN as a whole as well.
check() {
	local name=$1 fixed=$2 orig=$3 pattern=$4
	local out="$work/$name"
	mkdir -p "$out"
	log "$name: gofixslice -json $pattern"
	local t0=$SECONDS
	(cd "$fixed" && env "${FIXED_ENV[@]}" "$tool" -json "$pattern" >"$out/findings.json" 2>"$out/json.stderr")
	echo "   ($((SECONDS - t0)) s)"
	counts "$out/findings.json"

	log "$name: gofixslice -w $pattern"
	t0=$SECONDS
	(cd "$fixed" && env "${FIXED_ENV[@]}" "$tool" -w "$pattern" >"$out/w.stdout" 2>"$out/w.stderr")
	local code=$?
	echo "   exit $code, $(grep -c '^fixed ' "$out/w.stderr") files written, $(wc -l <"$out/w.stdout") findings left unfixed ($((SECONDS - t0)) s)"
	if [ "$code" != 0 ] && [ "$code" != 1 ]; then
		fail "$name: gofixslice -w exited $code (errors, see $out/w.stderr)"
		grep -v '^fixed ' "$out/w.stderr" | head -20
	fi
	diff -ru "$orig" "$fixed" >"$out/fixes.diff" 2>/dev/null
	local dirs
	dirs=$(changed_dirs "$orig" "$fixed")
	pkgs=
	if [ -n "$dirs" ]; then
		pkgs=$(cd "$fixed" && env "${FIXED_ENV[@]}" go list $(printf './%s ' $dirs) 2>>"$out/golist.log" | sort -u | tr '\n' ' ')
	fi
	echo "   changed packages: ${pkgs:-none}"

	log "$name: go build $pattern"
	if ! (cd "$fixed" && env "${FIXED_ENV[@]}" go build "$pattern") >"$out/build.log" 2>&1; then
		fail "$name: go build $pattern (see $out/build.log)"
		head -20 "$out/build.log"
	fi

	if [ -n "$VET_ALL" ]; then
		log "$name: go vet $pattern"
		if ! (cd "$fixed" && env "${FIXED_ENV[@]}" go vet "$pattern") >"$out/vet.log" 2>&1; then
			if (cd "$orig" && env "${ORIG_ENV[@]}" go vet "$pattern") >"$out/vet.orig.log" 2>&1; then
				fail "$name: go vet $pattern fails after the fixes only (see $out/vet.log)"
			else
				echo "   go vet $pattern fails before the fixes too; comparing the changed packages"
			fi
		fi
	fi
	if [ -n "$pkgs" ]; then
		log "$name: go vet of the changed packages"
		per_package "$fixed" "$out/vet.failed" env "${FIXED_ENV[@]}" go vet
		per_package "$orig" "$out/vet.orig.failed" env "${ORIG_ENV[@]}" go vet
		for p in $(comm -23 <(sort "$out/vet.failed") <(sort "$out/vet.orig.failed")); do
			fail "$name: go vet $p fails after the fixes only (see $out/vet.failed.log)"
		done
		[ -s "$out/vet.orig.failed" ] && echo "   go vet fails before and after (not ours): $(tr '\n' ' ' <"$out/vet.orig.failed")"

		log "$name: go test $testflags of the changed packages"
		t0=$SECONDS
		per_package "$fixed" "$out/test.failed" env "${FIXED_ENV[@]}" go test -count=1 $testflags
		if [ -s "$out/test.failed" ]; then
			local all=$pkgs
			pkgs=$(tr '\n' ' ' <"$out/test.failed")
			per_package "$orig" "$out/test.orig.failed" env "${ORIG_ENV[@]}" go test -count=1 $testflags
			pkgs=$all
			for p in $(comm -23 <(sort "$out/test.failed") <(sort "$out/test.orig.failed")); do
				fail "$name: go test $p fails after the fixes only (see $out/test.failed.log)"
			done
			[ -s "$out/test.orig.failed" ] && echo "   tests fail before and after (not ours): $(tr '\n' ' ' <"$out/test.orig.failed")"
		fi
		echo "   ($((SECONDS - t0)) s)"
	fi

	log "$name: second run (gofixslice -l $pattern must list nothing)"
	(cd "$fixed" && env "${FIXED_ENV[@]}" "$tool" -l "$pattern" >"$out/second.stdout" 2>"$out/second.stderr")
	if [ -s "$out/second.stdout" ]; then
		fail "$name: the second run would change: $(tr '\n' ' ' <"$out/second.stdout")"
	fi
	# Errors of the second run must all have been there in the first.
	local new_errors
	new_errors=$(comm -13 <(jq -r '.errors[] | split("\n")[0]' "$out/findings.json" | sort -u) <(grep -v '^fixed ' "$out/second.stderr" | grep -v '^\s' | sort -u))
	if [ -n "$new_errors" ]; then
		fail "$name: new errors on the second run:"
		echo "$new_errors" | head -20
	fi
}

# copy_module MOD@VER DEST: a writable copy of a module from the module cache.
copy_module() {
	local dir
	dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$1" | jq -r .Dir)
	[ -d "$dir" ] || { echo "cannot download $1" >&2; return 1; }
	rm -rf "$2"
	mkdir -p "$(dirname "$2")"
	cp -r "$dir" "$2"
	chmod -R u+w "$2"
}

run_modules() {
	for entry in $1; do
		local mv=${entry%%:*} pattern=./...
		[ "$entry" != "$mv" ] && pattern=${entry#*:}
		local name=${mv//\//_}
		name=${name//@/_}
		log "module $mv"
		copy_module "$mv" "$work/mod/$name.orig" || { fail "$mv: download"; continue; }
		copy_module "$mv" "$work/mod/$name" || { fail "$mv: download"; continue; }
		(cd "$work/mod/$name" && GOFLAGS="$base_goflags -mod=mod" go mod download) >/dev/null 2>&1
		FIXED_ENV=(GOFLAGS="$base_goflags -mod=mod")
		ORIG_ENV=(GOFLAGS="$base_goflags -mod=mod")
		VET_ALL=1
		check "$name" "$work/mod/$name" "$work/mod/$name.orig" "$pattern"
	done
}

run_std() {
	local goroot
	goroot=$(go env GOROOT)
	log "std: copying $goroot"
	rm -rf "$work/goroot"
	cp -r "$goroot" "$work/goroot"
	chmod -R u+w "$work/goroot"
	FIXED_ENV=(GOROOT="$work/goroot" PATH="$work/goroot/bin:$PATH")
	ORIG_ENV=(GOROOT="$goroot" PATH="$goroot/bin:$PATH")
	VET_ALL=1
	check std "$work/goroot/src" "$goroot/src" std
}

t_start=$SECONDS
case $mode in
quick) run_modules "$quick_modules" ;;
std) run_std ;;
modules) run_modules "${CORPUS_MODULES:-$default_modules}" ;;
all)
	run_std
	run_modules "${CORPUS_MODULES:-$default_modules}"
	;;
*)
	echo "usage: $0 [quick|std|modules|all]" >&2
	exit 2
	;;
esac
echo
if [ "$failures" = 0 ]; then
	if [ "$mode" = quick ] && [ -z "${CORPUS_DIR:-}" ]; then
		rm -rf "$work" # CI: nothing to inspect
		echo "corpus $mode: PASS ($((SECONDS - t_start)) s)"
		exit 0
	fi
	echo "corpus $mode: PASS ($((SECONDS - t_start)) s; details in $work)"
else
	echo "corpus $mode: $failures check(s) FAILED ($((SECONDS - t_start)) s; details in $work)"
	exit 1
fi
