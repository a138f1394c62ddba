#!/usr/bin/env bash
# Runs the fuzz targets of this folder one after another, keeps the corpus
# each one grows, and prints executions per second per target.
#
#   fuzz/campaign.sh [options] [target...]
#
#   -t TIME    fuzzing time per target, as go test -fuzztime takes it
#              (10m, 30s, or an execution count such as 200000x); default 10m
#   -T T=TIME  a different time for target T (may be repeated)
#   -o DIR     corpus folder; default fuzz/corpus (git ignores it). The
#              inputs the engine finds that add coverage are kept in
#              DIR/<target>/, and a later campaign over the same DIR starts
#              from them. To make one a regression test, copy it into
#              fuzz/testdata/fuzz/<target>/.
#   -m LIMIT   minimisation limit (go test -fuzzminimizetime); default 1000x
#   -p N       fuzzing workers (go test -parallel); default GOMAXPROCS
#   -n N       a target that runs fewer than N executions fails; default 0
#
# Targets default to every Fuzz function in fuzz/. A target whose run fails
# leaves its failing input in fuzz/testdata/fuzz/<target>/ (go test writes
# it there) and its log in the corpus folder; the campaign goes on with
# the next target and exits 1 at the end. .ci/run runs the smoke test
# through this script.
#
# Minimisation is bounded by an execution count, not a time: a time-bound
# minimisation that runs out (as it always does on a kilobyte-sized input)
# makes the engine restart the worker process and drop the executions it
# made. The engine's cache folder is replaced by the corpus folder
# (-test.fuzzcachedir, which go test sets itself; the value after -args
# wins), so nothing from $(go env GOCACHE)/fuzz is replayed. The targets'
# temporary folders are on /dev/shm when it is writable and has 1 GiB free:
# FuzzRecoveryReplay's recovery syncs every file it writes.
set -euo pipefail
cd "$(dirname "$0")/.."

time_all=10m
minimize=1000x
corpus=fuzz/corpus
parallel=
minexecs=0
declare -A time_of=()
usage() {
  sed -n '5,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while getopts 't:T:o:m:p:n:h' opt; do
  case $opt in
    t) time_all=$OPTARG ;;
    T) time_of[${OPTARG%%=*}]=${OPTARG#*=} ;;
    o) corpus=$OPTARG ;;
    m) minimize=$OPTARG ;;
    p) parallel=$OPTARG ;;
    n) minexecs=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
  targets=$*
else
  targets=$(go test -list '^Fuzz' ./fuzz/ | grep '^Fuzz' || true)
fi
mkdir -p "$corpus"
corpus=$(cd "$corpus" && pwd)
# The targets' temporary folders (and the go command's, since t.TempDir
# follows GOTMPDIR) go to a memory file system when one with room is there.
root=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -ge 1048576 ]; then
  root=/dev/shm
fi
scratch=$(mktemp -d -p "$root" esekit-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# seconds converts the engine's elapsed time (1h2m3s, 10m0s, 9s) to seconds.
seconds() {
  local d=$1 s=0
  [[ $d =~ ([0-9]+)h ]] && s=$((s + BASH_REMATCH[1] * 3600))
  [[ $d =~ ([0-9]+)m ]] && s=$((s + BASH_REMATCH[1] * 60))
  [[ $d =~ ([0-9]+)s ]] && s=$((s + BASH_REMATCH[1]))
  echo "$s"
}

# run_target fuzzes $1 for $2, writing the engine's output to $3.
run_target() {
  local args=(-run='^$' -fuzz="^$1\$" -fuzztime="$2" -fuzzminimizetime="$minimize")
  [ -n "$parallel" ] && args+=(-parallel="$parallel")
  GOTMPDIR=$scratch TMPDIR=$scratch go test "${args[@]}" ./fuzz/ \
    -args -test.fuzzcachedir="$corpus" >"$3" 2>&1
}

failed=0
table=()
for t in $targets; do
  tt=${time_of[$t]:-$time_all}
  log=$corpus/$t.log
  status=ok
  if ! run_target "$t" "$tt" "$log"; then
    # "context deadline exceeded" without a failing input is the engine
    # missing its own deadline on a loaded machine: run once more.
    if ! grep -q 'Failing input written' "$log" && grep -q 'context deadline exceeded' "$log"; then
      echo "   ($t: engine deadline overrun without a failing input; running it again)"
      run_target "$t" "$tt" "$log" || status=FAIL
    else
      status=FAIL
    fi
  fi
  # The engine's last progress line:
  # "fuzz: elapsed: 10s, execs: N (R/sec), new interesting: K (total: M)".
  last=$(grep -E '^fuzz: elapsed: [^,]*, execs: [0-9]+ ' "$log" | tail -n 1 || true)
  execs=$(sed -nE 's/.*, execs: ([0-9]+) .*/\1/p' <<<"$last")
  elapsed=$(sed -nE 's/^fuzz: elapsed: ([^,]*),.*/\1/p' <<<"$last")
  newin=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
  workers=$(sed -nE 's/.*now fuzzing with ([0-9]+) workers.*/\1/p' "$log" | tail -n 1)
  secs=$(seconds "${elapsed:-0s}")
  rate=$([ -n "$execs" ] && [ "$secs" -gt 0 ] && echo $((execs / secs)) || echo -)
  kept=$(ls "$corpus/$t" 2>/dev/null | wc -l || true)
  if [ "$status" = ok ] && [ "${execs:-0}" -lt "$minexecs" ]; then
    status="TOO FEW"
  fi
  echo "-- $t: ${execs:-?} executions in ${elapsed:-?} (${rate}/s, ${workers:-?} workers): $status"
  if [ "$status" != ok ]; then
    failed=1
    cat "$log"
    if [ "$status" = "TOO FEW" ]; then
      echo "$t ran ${execs:-no} executions in $tt; it must reach $minexecs. Make its inputs"
      echo "smaller or cheaper (see fuzz/doc.go), or give it a longer time (-T; .ci/run sets"
      echo "the smoke run's)."
    fi
  fi
  table+=("$(printf '%-30s %8s %11s %9s %6s %7s  %s' "$t" "${elapsed:-?}" "${execs:-?}" "$rate" "${newin:-?}" "$kept" "$status")")
done

echo
printf '%-30s %8s %11s %9s %6s %7s  %s\n' target elapsed execs execs/s new corpus result
printf '%s\n' "${table[@]}"
echo "(workers: ${parallel:-GOMAXPROCS}; minimisation: $minimize; corpus: $corpus)"
exit "$failed"
