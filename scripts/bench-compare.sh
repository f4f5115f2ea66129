#!/usr/bin/env bash
# Single-record certification throughput of an earlier commit and of the working tree, measured
# one after the other in one run (same machine, same load, same client settings), so that the cost
# of a change shows as the ratio of the two. Appends a row to docs/benchmarks.md.
#
#   scripts/bench-compare.sh REV [--meters N] [--intervals N]   (defaults 8 and 25)
#
# REV is checked out into a temporary git worktree (work/bench-compare, removed afterwards), built
# with Maven and run with its own scripts/network.sh; each network is started fresh, warmed up
# (2 meters x 5 intervals), measured with `flexledger bench --batch 1`, and purged. Ports from
# FLEXLEDGER_BENCH_BASE_PORT (default 19000), one network at a time. Needs jq and python3.
#
# Example (issue 9: the cost of reading the consortium from the ledger in every transaction):
#   scripts/bench-compare.sh b7371a5
set -euo pipefail
FLEXLEDGER_SCRIPT=bench-compare
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"

rev=${1:-}
[ -n "$rev" ] && [ "$rev" != -h ] && [ "$rev" != --help ] || { sed -n '2,14p' "$0"; exit 2; }
shift
meters=8 intervals=25
while [ $# -gt 0 ]; do
  case "$1" in
    --meters) meters=$2; shift 2 ;;
    --intervals) intervals=$2; shift 2 ;;
    *) die "unknown option '$1' (--meters N, --intervals N)" ;;
  esac
done
command -v jq >/dev/null || die "needs jq"
command -v python3 >/dev/null || die "needs python3 to write docs/benchmarks.md"
old=$(git rev-parse --short "$rev^{commit}") || die "'$rev' is not a commit"
new=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo "+changes")
port="${FLEXLEDGER_BENCH_BASE_PORT:-19000}"
tree="$FLEXLEDGER_ROOT/work/bench-compare"

# measure DIR: builds and measures the checkout in DIR on a fresh network of its own; prints the JSON of `flexledger bench`.
measure() {
  local dir=$1 net="$1/work/bench-compare-network" out
  log "building $dir"
  (cd "$dir" && mvn -B -q -ntp -Dstyle.color=never -DskipTests package) >&2 || die "building $dir failed"
  export FLEXLEDGER_WORK="$net" FLEXLEDGER_BASE_PORT="$port"
  (cd "$dir" && scripts/network.sh down --purge >/dev/null 2>&1 || true)
  (cd "$dir" && scripts/network.sh up) >&2 || { (cd "$dir" && scripts/network.sh down --purge >&2 || true); die "the network of $dir did not start"; }
  (cd "$dir" && scripts/flexledger bench --meters 2 --intervals 5 >/dev/null) || true
  out=$(cd "$dir" && scripts/flexledger bench --batch 1 --meters "$meters" --intervals "$intervals") || out=""
  (cd "$dir" && scripts/network.sh down --purge) >&2
  unset FLEXLEDGER_WORK FLEXLEDGER_BASE_PORT
  [ -n "$out" ] || die "the benchmark failed in $dir"
  echo "$out"
}

cleanup() { git worktree remove --force "$tree" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
git worktree add --detach "$tree" "$old" >/dev/null 2>&1 || die "could not check out $old into $tree"

log "measuring $old (the earlier commit), then $new (this tree): --batch 1 --meters $meters --intervals $intervals"
before=$(measure "$tree"); echo "$before"
after=$(measure "$FLEXLEDGER_ROOT"); echo "$after"

b=$(jq -r .txPerSecond <<<"$before"); a=$(jq -r .txPerSecond <<<"$after")
row="| $(date -u +%Y-%m-%d) | $old | $new | $b | $a | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }') | $(jq -r .latencyP50Ms <<<"$before") / $(jq -r .latencyP50Ms <<<"$after") |"
intro=$(mktemp); trap 'rm -f "$intro"; cleanup' EXIT
cat > "$intro" <<MD
## Single-record throughput, an earlier commit against a later one (same run)

\`scripts/bench-compare.sh REV\`: the earlier commit and the later one built and measured one after
the other, each on a fresh network of its own (\`flexledger bench --batch 1\`, $meters clients x $intervals
single-record \`RecordInterval\` transactions, after a warm-up), so that the ratio shows what the
changes in between cost. Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores.

| date | earlier | later | tx/s earlier | tx/s later | later / earlier | p50 ms earlier / later |
|---|---|---|---|---|---|---|
MD
python3 scripts/lib/add_row.py docs/benchmarks.md "## Single-record throughput, an earlier commit against a later one (same run)" "$row" "$intro" \
  "## Batched certification and the no-op baseline"
log "added to docs/benchmarks.md: $row"
