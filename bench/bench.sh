#!/usr/bin/env bash
# shellcheck disable=SC2317 # job functions are called through in_order
# Performance benchmark: gofixslice side by side with its peers.
#
# Usage: bench/bench.sh [section...]      (default: every section)
#
#   std      the standard library, run from $(go env GOROOT)/src:
#            gofixslice std (report mode), modernize std, go vet std (cold
#            and cached), staticcheck std (cold and cached)
#   xtools   golang.org/x/tools, copied from the module cache into a
#            writable directory, the same tools on ./...
#   ide      the single-file path: gofixslice $GOROOT/src/net/http/server.go
#   vettool  go vet -vettool=gofixslice std, cold and cached, beside go vet
#            std cached (the re-run-with-nothing-changed target)
#   write    gofixslice -w ./... on a copy of x/tools with one fixable file,
#            with zero, and in report mode
#   sarama   the largest single package of the real-world corpus
#            (github.com/IBM/sarama, bench/realworld/modules.txt), copied
#            from the module cache: gofixslice . beside modernize . (tests
#            included), a steady run (nothing changed since the last one)
#   edit     the edit loop on the same copy: before every run a new comment
#            line is appended to one file of the package (so nothing of it
#            is in the go build cache), then gofixslice . beside modernize .;
#            and the single-file run gofixslice <that file>
#
# Every measured command runs under /usr/bin/time -v (wall clock, user+sys
# CPU of the process and its children, peak RSS of the largest single
# process). ROUNDS rounds are run; in each round every tool of a section
# runs once, in alternating order (forward in odd rounds, backward in even
# ones), so that load from other processes falls on all tools alike. The
# table reports medians.
#
# "Cold" means no result cache of the tool itself: go vet gets a different
# analyzer flag value each run (the flags are part of its cache key),
# staticcheck a fresh, empty STATICCHECK_CACHE/XDG_CACHE_HOME, and
# gofixslice and modernize have no result cache. The go build cache
# (compiled export data) is warmed before the rounds and shared by all.
#
# Environment:
#   ROUNDS               rounds (default 3)
#   BENCH_DIR            work directory (default a new /tmp directory; kept:
#                        every run's stdout, stderr and time -v output)
#   XTOOLS_VERSION       golang.org/x/tools corpus version (default v0.52.0)
#   SARAMA_VERSION       github.com/IBM/sarama corpus version (default: the
#                        one in bench/realworld/modules.txt)
#   MODERNIZE_VERSION    x/tools version providing the modernize command
#                        golang.org/x/tools/go/analysis/passes/modernize/cmd/modernize
#                        (default v0.52.0)
#   STATICCHECK_VERSION  honnef.co/go/tools version (default v0.8.2, i.e.
#                        staticcheck 2026.2.2)
#   BENCH_PEERS          the tools the std and xtools sections run (default
#                        "gofixslice modernize vet staticcheck")
#   BENCH_TIMEOUT        seconds after which one command is killed (default 1800)
#   BENCH_REPORT_ONLY=1  measure nothing: print the report of the earlier run
#                        whose work directory BENCH_DIR names
#
# Peers are installed with go install pkg@version (through the Go module
# proxy) into $BENCH_DIR/bin; gofixslice is built from this checkout with go
# build into the same directory. Nothing is written to the repository.
#
# The Markdown report goes to stdout (and $BENCH_DIR/results.md); progress
# goes to stderr.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-3}
work=${BENCH_DIR:-$(mktemp -d /tmp/gofixslice-bench.XXXXXX)}
xtools_version=${XTOOLS_VERSION:-v0.52.0}
sarama_version=${SARAMA_VERSION:-$(sed -n 's|^github.com/IBM/sarama@||p' "$repo/bench/realworld/modules.txt")}
modernize_version=${MODERNIZE_VERSION:-v0.52.0}
staticcheck_version=${STATICCHECK_VERSION:-v0.8.2}
timeout_s=${BENCH_TIMEOUT:-1800}
peer_jobs=
for p in ${BENCH_PEERS:-gofixslice modernize vet staticcheck}; do
	case $p in
	gofixslice | modernize | vet | staticcheck) peer_jobs="$peer_jobs job_$p" ;;
	*)
		echo "bench: BENCH_PEERS: unknown tool $p" >&2
		exit 2
		;;
	esac
done
modernize_pkg=golang.org/x/tools/go/analysis/passes/modernize/cmd/modernize
staticcheck_pkg=honnef.co/go/tools/cmd/staticcheck
all_sections="std xtools ide vettool write sarama edit"
sections=${*:-$all_sections}

for s in $sections; do
	case " $all_sections " in
	*" $s "*) ;;
	*)
		echo "usage: $0 [$all_sections]" >&2
		exit 2
		;;
	esac
done
case $rounds in
'' | *[!0-9]* | 0)
	echo "bench: ROUNDS must be a positive integer" >&2
	exit 2
	;;
esac
[ -x /usr/bin/time ] || {
	echo "bench: /usr/bin/time is required (apt-get install time)" >&2
	exit 2
}
command -v timeout >/dev/null || {
	echo "bench: timeout (coreutils) is required" >&2
	exit 2
}

export GOWORK=off GOTOOLCHAIN=local
# The caller's GOFLAGS (-mod=mod, say) must not reach the standard library,
# which builds from its vendor directory.
base_goflags=-buildvcs=false
export GOFLAGS=$base_goflags
goroot=$(go env GOROOT)
# Pinned: the fresh XDG_CACHE_HOME given to staticcheck must not give the go
# command a fresh (empty) build cache too.
export GOCACHE
GOCACHE=$(go env GOCACHE)
bin="$work/bin"
raw="$work/raw"
runs="$work/runs"
mkdir -p "$bin" "$raw" "$runs"

log() { echo "== $*" >&2; }
die() {
	echo "bench: $*" >&2
	exit 2
}

log "work directory: $work"
report_only=${BENCH_REPORT_ONLY:-}
if [ -n "$report_only" ]; then
	[ -f "$work/meta" ] || die "BENCH_REPORT_ONLY needs BENCH_DIR set to the work directory of an earlier run"
	# shellcheck source=/dev/null
	. "$work/meta"
	sections=
fi
load_start=${load_start:-$(cut -d' ' -f1-3 /proc/loadavg)}

# ---------------------------------------------------------------- tools

if [ -z "$report_only" ]; then
	log "building gofixslice from $repo"
	(cd "$repo" && go build -o "$bin/gofixslice" ./cmd/gofixslice) || die "go build ./cmd/gofixslice failed"
	commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]; then
		commit="$commit+local changes"
	fi

	need_peers=
	for s in $sections; do
		case $s in std | xtools | sarama | edit) need_peers=1 ;; esac
	done
	if [ -n "$need_peers" ]; then
		log "installing $modernize_pkg@$modernize_version and $staticcheck_pkg@$staticcheck_version"
		(cd "$work" && GOBIN="$bin" go install "$modernize_pkg@$modernize_version") || die "go install modernize failed"
		(cd "$work" && GOBIN="$bin" go install "$staticcheck_pkg@$staticcheck_version") || die "go install staticcheck failed"
	fi
	printf 'commit=%q\nload_start=%q\nrounds=%q\nneed_peers=%q\n' "$commit" "$load_start" "$rounds" "$need_peers" >"$work/meta"
fi
gofixslice="$bin/gofixslice"
modernize="$bin/modernize"
staticcheck="$bin/staticcheck"

# ---------------------------------------------------------------- measuring

# measure KEY DIR CMD...: runs CMD in DIR under /usr/bin/time -v and appends
# "wall cpu rss_kb exit load1" to $raw/KEY.tsv. The command's output is kept
# in $runs/KEY.N.{out,err,time}.
measure() {
	local key=$1 dir=$2
	shift 2
	local n=1
	[ -f "$raw/$key.tsv" ] && n=$(($(wc -l <"$raw/$key.tsv") + 1))
	local base="$runs/$key.$n"
	local load1
	load1=$(cut -d' ' -f1 /proc/loadavg)
	log "  $key #$n: $*"
	(cd "$dir" && /usr/bin/time -v -o "$base.time" timeout -k 10 "$timeout_s" "$@" >"$base.out" 2>"$base.err")
	local line
	line=$(awk -F': ' -v load="$load1" '
		/Elapsed \(wall clock\)/ {
			k = split($NF, p, ":"); wall = 0
			for (i = 1; i <= k; i++) wall = wall * 60 + p[i]
		}
		/User time \(seconds\)/ { user = $NF }
		/System time \(seconds\)/ { sys = $NF }
		/Maximum resident set size/ { rss = $NF }
		/Exit status/ { code = $NF }
		END { printf "%.2f\t%.2f\t%d\t%d\t%s\n", wall, user + sys, rss, code, load }
	' "$base.time")
	echo "$line" >>"$raw/$key.tsv"
	log "    wall $(cut -f1 <<<"$line") s, cpu $(cut -f2 <<<"$line") s, rss $(($(cut -f3 <<<"$line") / 1024)) MB, exit $(cut -f4 <<<"$line")"
	case $(cut -f4 <<<"$line") in
	124 | 137) log "    TIMED OUT after $timeout_s s" ;;
	esac
}

# median COLUMN KEY: the median of one column of $raw/KEY.tsv.
median() {
	cut -f"$1" "$raw/$2.tsv" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# in_order ROUND JOB...: runs the jobs (shell functions) forward in odd
# rounds and backward in even rounds.
in_order() {
	local r=$1
	shift
	local jobs=("$@") i
	if ((r % 2)); then
		for ((i = 0; i < ${#jobs[@]}; i++)); do "${jobs[i]}"; done
	else
		for ((i = ${#jobs[@]} - 1; i >= 0; i--)); do "${jobs[i]}"; done
	fi
}

vet_serial=0
next_serial() { vet_serial=$((vet_serial + 1)); }

# Peer jobs over one corpus: $corpus (key prefix), $cdir, $pattern, $cenv
# (extra environment, an array).
job_gofixslice() { measure "$corpus.gofixslice" "$cdir" env "${cenv[@]}" "$gofixslice" "$pattern"; }
job_modernize() { measure "$corpus.modernize" "$cdir" env "${cenv[@]}" "$modernize" "$pattern"; }
job_vet() {
	next_serial
	# A new -printf.funcs value changes the cache key of every package's
	# vet action: a cold run. The same command again is the cached run.
	local flag="-printf.funcs=gofixslicebench.cold$$x$vet_serial"
	measure "$corpus.vet-cold" "$cdir" env "${cenv[@]}" go vet "$flag" "$pattern"
	measure "$corpus.vet-cached" "$cdir" env "${cenv[@]}" go vet "$flag" "$pattern"
}
job_staticcheck() {
	next_serial
	# A fresh, empty cache directory; GOCACHE stays the shared, warm go
	# build cache (exported above).
	local cache="$work/cache/staticcheck.$corpus.$vet_serial"
	rm -rf "$cache"
	mkdir -p "$cache"
	measure "$corpus.staticcheck-cold" "$cdir" env "${cenv[@]}" XDG_CACHE_HOME="$cache" STATICCHECK_CACHE="$cache/staticcheck" "$staticcheck" "$pattern"
	measure "$corpus.staticcheck-cached" "$cdir" env "${cenv[@]}" XDG_CACHE_HOME="$cache" STATICCHECK_CACHE="$cache/staticcheck" "$staticcheck" "$pattern"
	rm -rf "$cache"
}

# peers CORPUS: the side-by-side rounds over one corpus.
peers() {
	corpus=$1
	log "$corpus: warming the go build cache (go list -export -deps -test $pattern)"
	(cd "$cdir" && env "${cenv[@]}" go list -export -deps -test "$pattern" >/dev/null 2>"$work/$corpus.warm.err") ||
		log "  go list reported errors (see $work/$corpus.warm.err)"
	for ((r = 1; r <= rounds; r++)); do
		log "$corpus: round $r of $rounds"
		# shellcheck disable=SC2086 # a list of job names
		in_order "$r" $peer_jobs
	done
}

# copy_module MOD@VER DEST: a writable copy of a module from the module cache.
copy_module() {
	local dir
	dir=$(cd "$work" && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		die "cannot download $1"
	fi
	rm -rf "$2"
	mkdir -p "$(dirname "$2")"
	cp -r "$dir" "$2"
	chmod -R u+w "$2"
	(cd "$2" && GOFLAGS="$base_goflags -mod=mod" go mod download) || die "go mod download in the copy of $1 failed"
}

xtools_env=(GOFLAGS="$base_goflags -mod=mod")

section_std() {
	cdir="$goroot/src" pattern=std cenv=(GOFLAGS="$base_goflags")
	peers std
}

section_xtools() {
	log "xtools: copying golang.org/x/tools@$xtools_version"
	copy_module "golang.org/x/tools@$xtools_version" "$work/xtools"
	cdir="$work/xtools" pattern=./... cenv=("${xtools_env[@]}")
	peers xtools
}

section_ide() {
	local file="$goroot/src/net/http/server.go"
	log "ide: warming"
	(cd "$goroot/src" && "$gofixslice" "$file" >/dev/null 2>&1)
	for ((r = 1; r <= rounds; r++)); do
		log "ide: round $r of $rounds"
		measure ide.gofixslice "$goroot/src" "$gofixslice" "$file"
	done
}

section_vettool() {
	local warm="-printf.funcs=gofixslicebench.warm$$"
	log "vettool: warming go vet's cache for go vet $warm std"
	(cd "$goroot/src" && go vet "$warm" std >/dev/null 2>&1)
	vt_cold() {
		next_serial
		# The analyzers' flags are part of the cache key: a new value of
		# the (here irrelevant) subslice-pin threshold makes a cold run.
		vt_flag="-subslicepin.large=$((65536 + vet_serial))"
		measure vettool.gofixslice-cold "$goroot/src" go vet -vettool="$gofixslice" "$vt_flag" std
		measure vettool.gofixslice-cached "$goroot/src" go vet -vettool="$gofixslice" "$vt_flag" std
	}
	vt_vet() { measure vettool.vet-cached "$goroot/src" go vet "$warm" std; }
	for ((r = 1; r <= rounds; r++)); do
		log "vettool: round $r of $rounds"
		in_order "$r" vt_cold vt_vet
	done
}

section_write() {
	local dir="$work/xtools-w"
	log "write: copying golang.org/x/tools@$xtools_version"
	copy_module "golang.org/x/tools@$xtools_version" "$dir"
	local pkg="$dir/internal/gofixslicebench"
	mkdir -p "$pkg"
	cat >"$work/fixable.go" <<'EOF'
// Package gofixslicebench has one finding with a fix (bench/bench.sh).
package gofixslicebench

import (
	"bufio"
	"io"
)

// Lines returns every line of r.
func Lines(r io.Reader) [][]byte {
	var lines [][]byte
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Bytes())
	}
	return lines
}
EOF
	cp "$work/fixable.go" "$pkg/lines.go"
	log "write: bringing the copy to its fixed point (gofixslice -w ./...)"
	(cd "$dir" && env "${xtools_env[@]}" "$gofixslice" -w ./... >"$work/write.setup.out" 2>"$work/write.setup.err")
	if cmp -s "$work/fixable.go" "$pkg/lines.go"; then
		die "write: gofixslice -w did not fix $pkg/lines.go (see $work/write.setup.err)"
	fi
	cp "$pkg/lines.go" "$work/fixed.go"
	(cd "$dir" && env "${xtools_env[@]}" "$gofixslice" -l ./... >"$work/write.setup2.out" 2>&1)
	[ -s "$work/write.setup2.out" ] && die "write: a second run would still change: $(tr '\n' ' ' <"$work/write.setup2.out")"
	w_one() {
		cp "$work/fixable.go" "$pkg/lines.go"
		measure write.one-file "$dir" env "${xtools_env[@]}" "$gofixslice" -w ./...
		cmp -s "$work/fixed.go" "$pkg/lines.go" || log "    WARNING: the fixable file was not fixed as in the setup"
	}
	w_zero() {
		cp "$work/fixed.go" "$pkg/lines.go"
		measure write.zero-files "$dir" env "${xtools_env[@]}" "$gofixslice" -w ./...
	}
	w_report() {
		cp "$work/fixable.go" "$pkg/lines.go"
		measure write.report "$dir" env "${xtools_env[@]}" "$gofixslice" ./...
	}
	(cd "$dir" && env "${xtools_env[@]}" go list -export -deps -test ./... >/dev/null 2>&1)
	for ((r = 1; r <= rounds; r++)); do
		log "write: round $r of $rounds"
		in_order "$r" w_one w_zero w_report
	done
}

sarama_dir="$work/sarama"
sarama_env=(GOFLAGS="$base_goflags -mod=mod")
# The file the edit section appends to (any file of the package will do).
sarama_edit=client.go

sarama_copy() {
	[ -f "$sarama_dir/go.mod" ] && return 0
	[ -n "$sarama_version" ] || die "no github.com/IBM/sarama version in bench/realworld/modules.txt"
	log "sarama: copying github.com/IBM/sarama@$sarama_version"
	copy_module "github.com/IBM/sarama@$sarama_version" "$sarama_dir"
	cp "$sarama_dir/$sarama_edit" "$work/sarama.orig.go"
	log "sarama: warming the go build cache (go list -export -deps -test .)"
	(cd "$sarama_dir" && env "${sarama_env[@]}" go list -export -deps -test . >/dev/null 2>"$work/sarama.warm.err") ||
		log "  go list reported errors (see $work/sarama.warm.err)"
}

section_sarama() {
	sarama_copy
	cp "$work/sarama.orig.go" "$sarama_dir/$sarama_edit"
	# One unmeasured run so that the build cache holds the package as it is.
	(cd "$sarama_dir" && env "${sarama_env[@]}" "$gofixslice" . >/dev/null 2>&1)
	s_gofixslice() { measure sarama.gofixslice "$sarama_dir" env "${sarama_env[@]}" "$gofixslice" .; }
	s_modernize() { measure sarama.modernize "$sarama_dir" env "${sarama_env[@]}" "$modernize" .; }
	s_file() { measure sarama.file "$sarama_dir" env "${sarama_env[@]}" "$gofixslice" "$sarama_edit"; }
	for ((r = 1; r <= rounds; r++)); do
		log "sarama: round $r of $rounds"
		in_order "$r" s_gofixslice s_modernize s_file
	done
}

edit_serial=0
# sarama_touch: a new comment line at the end of the edited file, never
# seen before by the build cache.
sarama_touch() {
	edit_serial=$((edit_serial + 1))
	cp "$work/sarama.orig.go" "$sarama_dir/$sarama_edit"
	printf '\n// gofixslice bench edit %s.%s.%s\n' "$$" "$(date +%s%N)" "$edit_serial" >>"$sarama_dir/$sarama_edit"
}

section_edit() {
	sarama_copy
	e_gofixslice() {
		sarama_touch
		measure edit.gofixslice "$sarama_dir" env "${sarama_env[@]}" "$gofixslice" .
	}
	e_modernize() {
		sarama_touch
		measure edit.modernize "$sarama_dir" env "${sarama_env[@]}" "$modernize" .
	}
	e_file() {
		sarama_touch
		measure edit.file "$sarama_dir" env "${sarama_env[@]}" "$gofixslice" "$sarama_edit"
	}
	for ((r = 1; r <= rounds; r++)); do
		log "edit: round $r of $rounds"
		in_order "$r" e_gofixslice e_modernize e_file
	done
	cp "$work/sarama.orig.go" "$sarama_dir/$sarama_edit"
}

for s in $sections; do
	"section_$s"
done

# ---------------------------------------------------------------- report

if [ -z "$report_only" ]; then
	load_end=$(cut -d' ' -f1-3 /proc/loadavg)
	printf 'load_end=%q\n' "$load_end" >>"$work/meta"
fi
mem_gb=$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu_model=$(awk -F': *' '/model name/ { print $2; exit }' /proc/cpuinfo)

has() { [ -s "$raw/$1.tsv" ]; }
mb() { awk -v k="$1" 'BEGIN { printf "%d", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
codes() { cut -f4 "$raw/$1.tsv" | sort -un | paste -sd, -; }

# row KEY LABEL: one table row of medians.
row() {
	has "$1" || return 0
	printf '| %s | %s | %.2f | %.1f | %s | %s | %s | %s |\n' "${1%%.*}" "$2" \
		"$(median 1 "$1")" "$(median 2 "$1")" "$(mb "$(median 3 "$1")")" \
		"$(wc -l <"$raw/$1.tsv")" "$(codes "$1")" "$(median 5 "$1")"
}

results="$work/results.md"
{
	echo "### gofixslice benchmark, $(date -u +%Y-%m-%d)"
	echo
	echo "- machine: $(nproc) cores ($cpu_model), ${mem_gb} GB memory, $(go version | cut -d' ' -f3-)"
	if [ -n "$need_peers" ]; then
		echo "- gofixslice $commit; modernize from golang.org/x/tools $modernize_version ($modernize_pkg); $($staticcheck -version 2>/dev/null | head -1) ($staticcheck_pkg@$staticcheck_version)"
	else
		echo "- gofixslice $commit"
	fi
	echo "- corpora: std of $goroot (tests included); golang.org/x/tools@$xtools_version ./... (tests included); github.com/IBM/sarama@$sarama_version . (tests included)"
	echo "- rounds: $rounds, alternating order; medians. Load average (1, 5, 15 min): $load_start at the start, $load_end at the end"
	echo
	echo "| corpus | command | wall s | CPU s (user+sys) | peak RSS MB | runs | exit | load1 |"
	echo "|---|---|---|---|---|---|---|---|"
	for c in std xtools; do
		row "$c.gofixslice" "gofixslice $([ "$c" = std ] && echo std || echo ./...) (report)"
		row "$c.modernize" "modernize"
		row "$c.vet-cold" "go vet, cold"
		row "$c.vet-cached" "go vet, cached"
		row "$c.staticcheck-cold" "staticcheck, cold"
		row "$c.staticcheck-cached" "staticcheck, cached"
	done
	row ide.gofixslice "gofixslice net/http/server.go (IDE path)"
	row vettool.gofixslice-cold "go vet -vettool=gofixslice std, cold"
	row vettool.gofixslice-cached "go vet -vettool=gofixslice std, cached"
	row vettool.vet-cached "go vet std, cached"
	row write.one-file "gofixslice -w ./..., one fixable file"
	row write.zero-files "gofixslice -w ./..., nothing to fix"
	row write.report "gofixslice ./... (report)"
	row sarama.gofixslice "gofixslice . (report; steady)"
	row sarama.modernize "modernize . (steady)"
	row sarama.file "gofixslice $sarama_edit (one file; steady)"
	row edit.gofixslice "gofixslice . after a one-line edit"
	row edit.modernize "modernize . after a one-line edit"
	row edit.file "gofixslice $sarama_edit after a one-line edit"
	echo
	echo "Peak RSS is that of the largest single process (go vet and staticcheck"
	echo "run several); CPU includes all child processes. Exit codes: findings"
	echo "give 1 (gofixslice, go vet, staticcheck) or 3 (modernize); 124/137 is"
	echo "a timeout. load1 is the median 1-minute load average when the runs started."
	echo

	target() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
	met() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? "met" : "NOT met" }'; }
	echo "| target | measured | limit | verdict |"
	echo "|---|---|---|---|"
	for c in std xtools sarama edit; do
		limit=0.6
		[ "$c" = std ] && limit=0.5 # issue 14
		if has "$c.gofixslice" && has "$c.modernize"; then
			w=$(ratio "$(median 1 "$c.gofixslice")" "$(median 1 "$c.modernize")")
			target "$c: wall gofixslice / modernize" "${w}x" "${limit}x" "$(met "$w" "$limit")"
			u=$(ratio "$(median 2 "$c.gofixslice")" "$(median 2 "$c.modernize")")
			target "$c: CPU gofixslice / modernize" "${u}x" "(info)" "-"
			m=$(ratio "$(median 3 "$c.gofixslice")" "$(median 3 "$c.modernize")")
			target "$c: peak RSS gofixslice / modernize" "${m}x" "(info)" "-"
		fi
		if has "$c.gofixslice"; then
			rss=$(mb "$(median 3 "$c.gofixslice")")
			target "$c: gofixslice peak RSS" "$rss MB" "1024 MB" "$(met "$rss" 1024)"
		fi
	done
	if has ide.gofixslice; then
		w=$(median 1 ide.gofixslice)
		target "IDE path: net/http/server.go" "wall $w s (CPU $(median 2 ide.gofixslice) s)" "0.5 s wall" "$(met "$w" 0.5)"
	fi
	if has edit.gofixslice && has sarama.gofixslice; then
		r=$(ratio "$(median 1 edit.gofixslice)" "$(median 1 sarama.gofixslice)")
		target "sarama: re-run after a one-line edit / steady run (issue 17)" "${r}x" "1.1x" "$(met "$r" 1.1)"
		r=$(ratio "$(median 2 edit.gofixslice)" "$(median 2 sarama.gofixslice)")
		target "sarama: the same in CPU time (less sensitive to load)" "${r}x" "(info)" "-"
	fi
	for c in sarama edit; do
		if has "$c.file" && has sarama.gofixslice; then
			r=$(ratio "$(median 1 "$c.file")" "$(median 1 sarama.gofixslice)")
			target "$c: one file / whole package (issue 17)" "${r}x" "0.3x" "$(met "$r" 0.3)"
			r=$(ratio "$(median 2 "$c.file")" "$(median 2 sarama.gofixslice)")
			target "$c: the same in CPU time" "${r}x" "(info)" "-"
		fi
	done
	if has vettool.gofixslice-cached && has vettool.vet-cached; then
		a=$(median 1 vettool.gofixslice-cached) b=$(median 1 vettool.vet-cached)
		r=$(ratio "$a" "$b")
		verdict=$(awk -v r="$r" 'BEGIN { print (r <= 1.0) ? "met" : (r <= 1.1) ? "within noise (<= 1.1x)" : "NOT met" }')
		target "re-run, nothing changed: go vet -vettool=gofixslice std cached vs go vet std cached" "$a s vs $b s (${r}x; CPU $(median 2 vettool.gofixslice-cached) s vs $(median 2 vettool.vet-cached) s)" "1.0x" "$verdict"
	fi
	if has write.one-file && has write.zero-files; then
		a=$(median 1 write.one-file) b=$(median 1 write.zero-files)
		extra=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.2f", a - b }')
		ca=$(median 2 write.one-file) cb=$(median 2 write.zero-files)
		r=$(ratio "$ca" "$cb")
		target "-w on x/tools: one fixable file vs none" "wall $a s vs $b s ($extra s); CPU $ca s vs $cb s (${r}x)" "CPU within 1.15x" "$(met "$r" 1.15)"
	fi
	echo
	echo "Raw runs (wall, CPU, RSS kB, exit, load1 per line) and every command's"
	echo "output: $work"
} >"$results"
cat "$results"

# Runs whose exit code says the tool failed rather than reported findings.
for f in "$raw"/*.tsv; do
	[ -e "$f" ] || continue
	key=$(basename "$f" .tsv)
	case $key in
	*modernize) ok="0 3" ;;
	*) ok="0 1" ;;
	esac
	for code in $(cut -f4 "$f" | sort -u); do
		case " $ok " in
		*" $code "*) ;;
		*) echo "bench: $key exited with status $code in some run (see $runs/$key.*.err)" >&2 ;;
		esac
	done
done
