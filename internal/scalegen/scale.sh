#!/bin/sh
# Side-by-side scale runs of BENCHMARKS.md ("Scale"): esekit check of a
# generated 10,000-log folder and esekit verify of a generated 1 GiB
# database, the esekit of BASE (a git revision) against the working tree's,
# with cat of the database as the sequential-read reference. Rounds
# alternate before / after / cat; each line is one run, then the medians.
# Needs GNU time (/usr/bin/time). Everything is written under a temporary
# folder that is removed at the end.
#
#   internal/scalegen/scale.sh BASE [ROUNDS]     (from the module root)
set -eu
base=${1:?usage: scale.sh BASE [ROUNDS]}
rounds=${2:-7}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" 2>/dev/null || true; rm -rf "$tmp"' EXIT

git worktree add --detach "$tmp/base" "$base" >/dev/null 2>&1
(cd "$tmp/base" && go build -o "$tmp/esekit-before" ./examples/esekit)
go build -o "$tmp/esekit-after" ./examples/esekit
go run ./internal/scalegen/cmd/scalegen -logs 10000 -dir "$tmp/logs10k"
go run ./internal/scalegen/cmd/scalegen -db-pages 131072 -db "$tmp/db1g.edb"
cat "$tmp/db1g.edb" >/dev/null # warm the page cache
"$tmp/esekit-after" check "$tmp/logs10k" >/dev/null

run() { # name command...: prints "name wall user sys maxrss-KiB"
	n=$1
	shift
	/usr/bin/time -f "$n %e %U %S %M" "$@" >/dev/null 2>>"$tmp/times" || true
}
: >"$tmp/times"
for i in $(seq "$rounds"); do
	run check-before "$tmp/esekit-before" check "$tmp/logs10k"
	run check-after "$tmp/esekit-after" check "$tmp/logs10k"
	run verify-before "$tmp/esekit-before" verify "$tmp/db1g.edb"
	run verify-after "$tmp/esekit-after" verify "$tmp/db1g.edb"
	run cat sh -c "cat '$tmp/db1g.edb' >/dev/null"
	uptime >>"$tmp/load"
done
cat "$tmp/times"
echo "load during the runs:"
cat "$tmp/load"
echo "medians (wall s, user s, sys s, maxRSS KiB):"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for n in check-before check-after verify-before verify-after cat; do
	line=$n
	for col in 2 3 4 5; do
		line="$line $(awk -v n="$n" -v c="$col" '$1 == n { print $c }' "$tmp/times" | median)"
	done
	echo "$line"
done
echo "medians of the per-round wall-time ratios to cat:"
for k in 3 4; do # verify-before, verify-after
	awk -v k="$k" '{ t[NR] = $2 } END { for (i = 0; 5 * i + 5 <= NR; i++) print t[5*i+k] / t[5*i+5] }' "$tmp/times" |
		median | sed "s/^/verify-$([ "$k" = 3 ] && echo before || echo after)\/cat /"
done
