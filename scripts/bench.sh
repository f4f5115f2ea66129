#!/usr/bin/env bash
# Measures interval certification through the Fabric Gateway on a fresh local network of its own
# (work/bench-network, ports from 19000), appends the figures to docs/benchmarks.md, and stops the
# network again.
#
#   scripts/bench.sh [--meters N] [--intervals N] [--samples N]    (defaults 8, 25, 15)
#   scripts/bench.sh --batches    no-op transactions, then batches of 1, 100 and 1,000 records, on
#                                 the same network; one row each in docs/benchmarks.md (needs python3)
#   scripts/bench.sh --token      token transfers/s into one hot account vs into distinct accounts,
#                                 rounds alternating on one network; one row (needs python3)
#   scripts/bench.sh --auction [N]  one double auction on community with N orders (default 10,000)
#                                 sealed, submitted and revealed, then the ClearAuction endorsement
#                                 timed; one row in docs/benchmarks.md (needs python3)
#   scripts/bench.sh --market [N] one flexibility request on grid with N offers (default 1,000) sealed,
#                                 submitted and revealed, then the ClearRequest (MK1) endorsement
#                                 timed; one row in docs/benchmarks.md (needs python3)
#   scripts/bench.sh --dr [N]     PreviewBaseline (BL1) over 45 days for one meter, then an event with
#                                 N participants (default 100) settled by SettleMany in batches of
#                                 100; one row each in docs/benchmarks.md (needs python3)
#   scripts/bench.sh --gateway    the community's gateway (network.sh gateway): REST ingestion, single
#                                 and batched (flexledger http-load), then the analytics replica's live
#                                 lag while certification load runs; rows in docs/benchmarks.md
#   scripts/bench.sh --add-org    single-record tx/s with the four founders, the time of
#                                 `network.sh add-org` (a fifth member, an aggregator), single-record
#                                 tx/s again with five; one row in docs/benchmarks.md (needs python3)
set -euo pipefail
FLEXLEDGER_SCRIPT=bench
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"

FLEXLEDGER_WORK=$(realpath -m "${FLEXLEDGER_BENCH_WORK:-$FLEXLEDGER_ROOT/work/bench-network}")
export FLEXLEDGER_WORK
export FLEXLEDGER_BASE_PORT="${FLEXLEDGER_BENCH_BASE_PORT:-19000}"

mvn -B -q -ntp -Dstyle.color=never -DskipTests package
scripts/network.sh down --purge >/dev/null 2>&1 || true
trap 'scripts/network.sh down --purge' EXIT
scripts/network.sh up
log "warming up (JIT, connections): 2 meters x 5 intervals"
scripts/flexledger bench --meters 2 --intervals 5 >/dev/null
log "measuring: scripts/flexledger bench $*"
if [ "${1:-}" = --token ]; then
  command -v python3 >/dev/null || die "--token needs python3 to write docs/benchmarks.md"
  result=$(scripts/flexledger bench-token --payers 12 --transfers 20); echo "$result"
  row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" \
    '"| \($date) | \($commit) | \(.payers) | \(.transfersPerPayerAndRound) | \(.distinctTransfersPerSecond) | \(.hotTransfersPerSecond) | \(.hotOverDistinct) | \(.audit.consistent) |"' <<<"$result")
  intro=$(mktemp)
  trap 'rm -f "$intro"; scripts/network.sh down --purge' EXIT
  cat > "$intro" <<MD
## Token transfers: one hot account against distinct accounts (issue 10)

\`scripts/bench.sh --token\` (\`flexledger bench-token --payers 12 --transfers 20\`): twelve identities,
each with its own funded identity account, transfer one unit at a time, all at once, each waiting
for its commit; in "distinct" rounds each pays an account of its own, in "hot" rounds all pay the
same account. Rounds alternate distinct, hot, distinct, hot on one network; each figure is the
mean of its two rounds. Target: hot at 90 % of distinct or more (decision 0016: credits add rows
under the crediting transaction's own keys, so payers of one account do not conflict). The last
column is the ledger-wide audit afterwards (minted − burned = balances + escrow). Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores.

| date | commit | payers | transfers each per round | distinct transfers/s | hot transfers/s | hot / distinct | audit consistent |
|---|---|---|---|---|---|---|---|
MD
  python3 scripts/lib/add_row.py docs/benchmarks.md "## Token transfers: one hot account against distinct accounts (issue 10)" "$row" "$intro" \
    "## Batched certification and the no-op baseline"
  log "added to docs/benchmarks.md: $row"
  exit 0
fi
if [ "${1:-}" = --auction ]; then
  command -v python3 >/dev/null || die "--auction needs python3 to write docs/benchmarks.md"
  orders=${2:-10000}
  result=$(scripts/flexledger bench-auction --orders "$orders" --gate-seconds $((60 + orders / 20))); echo "$result"
  row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" \
    '"| \($date) | \($commit) | \(.orders) | \(.traders) | \(.submitSeconds) s | \(.revealSeconds) s | \(.clearEndorseMs) ms | \(.clearCommitMs) ms | \(.cleared.trades) | \(.audit.consistent) |"' <<<"$result")
  intro=$(mktemp)
  trap 'rm -f "$intro"; scripts/network.sh down --purge' EXIT
  cat > "$intro" <<MD
## A double auction cleared inside one endorsement (issue 10)

\`scripts/bench.sh --auction [N]\` (\`flexledger bench-auction --orders N\`): one auction on the
\`community\` channel; every identity of its two members trades (sides alternate, 100..1,000 Wh,
50..150 per kWh, seeded); each order sealed (own peer), submitted, and after the gate closure
revealed (BUYs lock funds); then \`ClearAuction\`: DA1 on every order within the capacity, the
exact input and output stored, one escrow debit and one credit per account. The clearing column is
its endorsement as the client sees it (both members' peers run it, on this one machine);
ordering and commit apart. Target: at most 1 s for 10,000 orders. Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores.

| date | commit | orders | identities | sealed and submitted in | revealed in | ClearAuction endorsement | its ordering and commit | trades | audit consistent |
|---|---|---|---|---|---|---|---|---|---|
MD
  python3 scripts/lib/add_row.py docs/benchmarks.md "## A double auction cleared inside one endorsement (issue 10)" "$row" "$intro" \
    "## Batched certification and the no-op baseline"
  log "added to docs/benchmarks.md: $row"
  exit 0
fi
if [ "${1:-}" = --market ]; then
  command -v python3 >/dev/null || die "--market needs python3 to write docs/benchmarks.md"
  offers=${2:-1000}
  result=$(scripts/flexledger bench-market --offers "$offers" --deadline-seconds $((30 + offers / 20))); echo "$result"
  row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" --arg cmd "scripts/bench.sh --market $offers" \
    '"| \($date) | \($commit) | \(.offers) | \(.identities) | \(.submitSeconds) s | \(.revealSeconds) s | \(.clearEndorseMs) ms | \(.clearCommitMs) ms | \(.awards) | \(.mk1Matches) | \(.audit.consistent) | `\($cmd)` |"' <<<"$result")
  python3 scripts/lib/add_row.py docs/benchmarks.md "## Flexibility requests cleared by MK1 inside one endorsement (issue 10)" "$row"
  log "added to docs/benchmarks.md: $row"
  exit 0
fi
if [ "${1:-}" = --dr ]; then
  command -v python3 >/dev/null || die "--dr needs python3 to write docs/benchmarks.md"
  participants=${2:-100}
  result=$(scripts/flexledger bench-dr --baseline); echo "$result"
  row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" \
    '"| \($date) | \($commit) | \(.lookbackDays) | \(.records) | \(.certifySeconds) s | \(.previewMs | length) | \(.previewMedianMs) ms | \(.previewMaxMs) ms | `scripts/bench.sh --dr` |"' <<<"$result")
  python3 scripts/lib/add_row.py docs/benchmarks.md "## BL1 over 45 days of quarter-hours in one call (issue 11)" "$row"
  result=$(scripts/flexledger bench-dr --participants "$participants"); echo "$result"
  row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" --arg cmd "scripts/bench.sh --dr $participants" \
    '"| \($date) | \($commit) | \(.participants) | \(.lookbackDays) | \(.historyRecords) | \(.historyCertifySeconds) s | \(.commitSeconds) s | \(.windowCertifySeconds) s | \(.settleManyTxs) | \(.settleManyMs | map(tostring) | join(", ")) ms | \(.settleSeconds) s | \(.settledPerSecond) | \(.settleTxPerSecond) | \(.audit.consistent) | `\($cmd)` |"' <<<"$result")
  python3 scripts/lib/add_row.py docs/benchmarks.md "## An event's settlement with many participants, batched (issue 11)" "$row"
  log "added to docs/benchmarks.md: $row"
  exit 0
fi
if [ "${1:-}" = --gateway ]; then
  command -v python3 >/dev/null || die "--gateway needs python3 to write docs/benchmarks.md"
  command -v jq >/dev/null || die "--gateway needs jq (apt-get install jq)"
  scripts/network.sh gateway community
  url="http://127.0.0.1:$(scripts/network.sh ports | awk '$1 == "gateway.community" { print $2 }')"
  FLEXLEDGER_HTTP_TOKEN=$(scripts/flexledger --org community credential create --name "bench-$(date +%s)" --kind ems | jq -r .token)
  export FLEXLEDGER_HTTP_TOKEN
  seconds=${2:-20}
  # single samples; batched at the issue's operating point (two EMS clients, 10 meters x 50 samples a request); batched at saturation
  for spec in "--meters 40 --clients 4 --samples 10" "--meters 40 --clients 2 --samples 50 --batch-meters 10" \
      "--meters 40 --clients 4 --samples 200 --batch-meters 10"; do
    log "measuring: scripts/flexledger --org community http-load --url $url $spec --seconds $seconds"
    # shellcheck disable=SC2086 # the spec is a list of options
    result=$(scripts/flexledger --org community http-load --url "$url" $spec --seconds "$seconds"); echo "$result"
    row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" --arg cmd "scripts/bench.sh --gateway" \
      --arg load "$(uptime | sed 's/.*load average: //')" \
      '"| \($date) | \($commit) | \(if .batchMeters == 0 then "single" else "batched \(.batchMeters) meters" end) | \(.clients) | \(.samplesPerMeterPerRequest) | \(.requests) | \(.failed) | \(.samplesPerSecond) | \(.p50Ms) | \(.p99Ms) | \(.maxMs) | \($load) | `\($cmd)` |"' <<<"$result")
    python3 scripts/lib/add_row.py docs/benchmarks.md "## REST ingestion with group commit (issue 12)" "$row"
    log "added to docs/benchmarks.md: $row"
  done
  log "measuring the replica's live lag: flexledger replica while flexledger bench --meters 2 --intervals 100 certifies"
  replica_out=$(mktemp)
  scripts/flexledger --org community replica --jdbc "jdbc:sqlite:$FLEXLEDGER_WORK/bench-replica.db" --for 90 > "$replica_out" &
  replica_pid=$!
  # Our replica (its PID) goes before the network, whatever happens next.
  trap 'kill "$replica_pid" 2>/dev/null || true; wait "$replica_pid" 2>/dev/null || true; rm -f "$replica_out"; scripts/network.sh down --purge' EXIT
  streaming=0
  for _ in $(seq 1 300); do grep -q '"event":"streaming"' "$replica_out" && { streaming=1; break; }; sleep 0.2; done
  [ "$streaming" = 1 ] || die "the replica did not start streaming within 60 s: $(tail -3 "$replica_out")"
  scripts/flexledger bench --meters 2 --intervals 100 >/dev/null
  wait "$replica_pid"
  result=$(grep '"event":"stopped"' "$replica_out"); rm -f "$replica_out"; echo "$result"
  row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" \
    '"| \($date) | \($commit) | \(.liveLag.blocks) | \(.liveLag.lagMs.p50) | \(.liveLag.lagMs.p99) | \(.liveLag.lagMs.max) | \(.liveLag.writeMs.p50) | \(.liveLag.writeMs.p99) | `scripts/bench.sh --gateway` |"' <<<"$result")
  python3 scripts/lib/add_row.py docs/benchmarks.md "## Analytics replica lag (issue 12)" "$row"
  log "added to docs/benchmarks.md: $row"
  exit 0
fi
if [ "${1:-}" = --add-org ]; then
  command -v python3 >/dev/null || die "--add-org needs python3 to write docs/benchmarks.md"
  single="--batch 1 --meters 8 --intervals 25"
  log "single-record transactions with the four founders: scripts/flexledger bench $single"
  # shellcheck disable=SC2086 # the spec is a list of options
  before=$(scripts/flexledger bench $single); echo "$before"
  t0=$(date +%s.%N)
  scripts/network.sh add-org bench5 --role AGGREGATOR --represents CommunityMSP,CpoMSP
  t1=$(date +%s.%N)
  log "single-record transactions with five members: scripts/flexledger bench $single"
  # shellcheck disable=SC2086
  after=$(scripts/flexledger bench $single); echo "$after"
  row="| $(date -u +%Y-%m-%d) | $(git describe --always --dirty --abbrev=7) | $(jq -r .txPerSecond <<<"$before") | $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') | $(jq -r .txPerSecond <<<"$after") | $(jq -r .latencyP50Ms <<<"$before") / $(jq -r .latencyP50Ms <<<"$after") |"
  intro=$(mktemp)
  trap 'rm -f "$intro"; scripts/network.sh down --purge' EXIT
  cat > "$intro" <<MD
## A member added to a running network (issue 9)

\`scripts/bench.sh --add-org\`: on one fresh network, single-record transactions (\`RecordInterval\`,
8 clients x 25, each reading the consortium from the ledger once, decision 0013) with the four
founders; then \`scripts/network.sh add-org bench5 --role AGGREGATOR --represents CommunityMSP,CpoMSP\`
timed from start to end (CA, identities, majority-signed channel update, peer joined and caught up,
four chaincode servers started, installed and approved, three governance votes, a new definition
sequence of energy approved by five orgs); then the same single-record load with five members
(a bigger consortium to read, one more peer to gossip to). Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores.

| date | commit | single-record tx/s, 4 members | add-org s | single-record tx/s, 5 members | p50 ms before / after |
|---|---|---|---|---|---|
MD
  python3 scripts/lib/add_row.py docs/benchmarks.md "## A member added to a running network (issue 9)" "$row" "$intro" \
    "## Batched certification and the no-op baseline"
  log "added to docs/benchmarks.md: $row"
  exit 0
fi
if [ "${1:-}" = --batches ]; then
  command -v python3 >/dev/null || die "--batches needs python3 to write docs/benchmarks.md"
  intro=$(mktemp)
  trap 'rm -f "$intro"; scripts/network.sh down --purge' EXIT
  cat > "$intro" <<MD
## Batched certification and the no-op baseline

\`scripts/bench.sh --batches\`: on one fresh network, in this order, several clients at once (the
"clients" column): no-op transactions (\`Noop\`: endorsed by two peers, ordered, validated and
committed, but no reads or writes), single-record transactions (\`RecordInterval\`), and
\`RecordIntervals\` with 100 and 1,000 records per transaction. A record is one certified
quarter-hour (15 samples fingerprinted by the client). Targets (issue 4): at least 5,000 records/s
batched; a single-record transaction at 80 % of the no-op rate or more. Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores.

| date | commit | mode | clients | records/tx | transactions | tx/s | records/s | p50 ms | p95 ms |
|---|---|---|---|---|---|---|---|---|---|
MD
  for spec in "--noop --meters 8 --intervals 25" "--batch 1 --meters 8 --intervals 25" "--batch 100 --meters 8 --intervals 5" \
              "--batch 1000 --meters 8 --intervals 3"; do
    log "measuring: scripts/flexledger bench $spec"
    # shellcheck disable=SC2086 # the spec is a list of options
    result=$(scripts/flexledger bench $spec)
    echo "$result"
    row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" \
      '"| \($date) | \($commit) | \(.mode) | \(.meters) | \(.recordsPerTransaction) | \(.transactions) | \(.txPerSecond) | \(.recordsPerSecond) | \(.latencyP50Ms) | \(.latencyP95Ms) |"' <<<"$result")
    python3 scripts/lib/add_row.py docs/benchmarks.md "## Batched certification and the no-op baseline" "$row" "$intro" \
      "## RecordInterval through the gateway"
    log "added to docs/benchmarks.md: $row"
  done
  exit 0
fi

result=$(scripts/flexledger bench "$@")
echo "$result"

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
row=$(jq -r --arg date "$(date -u +%Y-%m-%d)" --arg commit "$(git describe --always --dirty --abbrev=7)" \
  '"| \($date) | \($commit) | \(.meters) | \(.intervalsPerMeter) | \(.samplesPerInterval) | \(.transactions) | \(.txPerSecond) | \(.latencyP50Ms) | \(.latencyP95Ms) | \(.latencyMaxMs) |"' <<<"$result")
file=docs/benchmarks.md
grep -q '^## RecordInterval through the gateway' "$file" || cat >> "$file" <<MD

## RecordInterval through the gateway

\`scripts/bench.sh\` (defaults: 8 meters at once, 25 quarter-hours each, 15 samples per interval):
every transaction is endorsed by two peers (energy's policy), ordered by one Raft node and committed
on all four peers; latency is from submit to commit as the client sees it. Machine: ${cpu:-unknown CPU},
$(nproc) cores. Each run appends a row.

| date | commit | meters | intervals each | samples | transactions | tx/s | p50 ms | p95 ms | max ms |
|---|---|---|---|---|---|---|---|---|---|
MD
echo "$row" >> "$file"
log "appended to $file: $row"
