#!/usr/bin/env bash
# Benchmarks before and after a change, in one run, for benchstat:
#
#	bash bench/before-after.sh REV [ROUNDS] [BENCHTIME] [PKG=REGEXP ...]
#
# It checks REV out in a temporary worktree, builds the test binaries of
# each package there and in this tree, and runs them in turn, round after
# round, each in its own package folder (so each reads its own testdata/),
# so that a noisy neighbour slows both sides alike. It prints the benchstat
# comparison (benchstat comes from the module proxy) and leaves the raw
# results in $OUT (default: a temporary folder).
#
# Without PKG=REGEXP arguments it runs the replay, load, record and index
# benchmarks of cassette and dvdtest, and match's.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:?usage: bench/before-after.sh REV [ROUNDS] [BENCHTIME] [PKG=REGEXP ...]}
rounds=${2:-6}
benchtime=${3:-200ms}
shift $(($# < 3 ? $# : 3))
sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
	sets=(
		'cassette=^Benchmark(RecorderReplay|Lookup|LookupChanging|NewIndex|NewRecorderScale|Marshal|Unmarshal|ReadFile|WriteFile|CorpusUnmarshal|CorpusMarshal)$'
		'dvdtest=^Benchmark(Replay|ReplayFresh|ReplayParallel|Record|ReplayCorpus)$'
		'match=^Benchmark(Query|Form|JSONBodyIgnoring)$'
	)
fi

out=${OUT:-$(mktemp -d)}
base=$(mktemp -d)
trap 'git worktree remove --force "$base/tree" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$base/tree" "$rev" >/dev/null

for s in "${sets[@]}"; do
	pkg=${s%%=*}
	(cd "$base/tree" && go test -c -o "$out/before.$pkg.test" "./$pkg")
	go test -c -o "$out/after.$pkg.test" "./$pkg"
done

: >"$out/before.txt"
: >"$out/after.txt"
for i in $(seq 1 "$rounds"); do
	echo "round $i of $rounds" >&2
	for s in "${sets[@]}"; do
		pkg=${s%%=*} re=${s#*=}
		for side in before after; do
			dir=$PWD/$pkg
			[ "$side" = before ] && dir=$base/tree/$pkg
			(cd "$dir" && "$out/$side.$pkg.test" -test.run '^$' -test.bench "$re" \
				-test.benchtime "$benchtime" -test.benchmem) |
				grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$out/$side.txt"
		done
	done
done
go run golang.org/x/perf/cmd/benchstat@latest "$out/before.txt" "$out/after.txt"
echo "raw results: $out" >&2
