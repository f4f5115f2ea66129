#!/usr/bin/env bash
# JMH benchmarks of the spec algorithms (benchmarks/, Maven profile "bench"), on one core, with the
# figures added as a row to docs/benchmarks.md. No network is needed.
#
#   scripts/bench-spec.sh            full run (about 4 minutes; BL1 needs a 6 GiB heap)
#   scripts/bench-spec.sh --quick    one short iteration each, for a smoke check; nothing is written
set -euo pipefail
FLEXLEDGER_SCRIPT=bench-spec
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"

quick=false
case "${1:-}" in
  --quick) quick=true ;;
  "") ;;
  *) die "usage: scripts/bench-spec.sh [--quick]" ;;
esac
command -v python3 >/dev/null || die "python3 is needed to write the figures into docs/benchmarks.md"

log "building the benchmarks (mvn -Pbench -pl benchmarks -am package)"
mvn -B -q -ntp -Dstyle.color=never -Pbench -DskipTests package -pl benchmarks -am

out="$FLEXLEDGER_ROOT/work/bench-spec"
mkdir -p "$out"
jmh=(java -jar benchmarks/target/benchmarks.jar -rf json -rff "$out/jmh.json")
if $quick; then
  jmh+=(-wi 1 -i 1 -w 1 -r 1)
fi
# One core, as the targets are stated: JMH's forked JVMs inherit the affinity.
pin=()
if command -v taskset >/dev/null; then
  pin=(taskset -c 0)
else
  log "taskset not found: running unpinned"
fi
log "running JMH: ${pin[*]} ${jmh[*]}"
"${pin[@]}" "${jmh[@]}" >&2

$quick && { log "quick run: figures in $out/jmh.json, docs/benchmarks.md left alone"; exit 0; }

python3 - "$out/jmh.json" docs/benchmarks.md "$(date -u +%Y-%m-%d)" "$(git rev-parse --short HEAD)" \
  "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(java -version 2>&1 | head -1)" <<'PY'
import json, sys
results, doc, date, commit, cpu, jvm = sys.argv[1:7]
score = {}
for r in json.load(open(results)):
    name = r["benchmark"].rsplit(".", 1)[-1]
    target = r.get("params", {}).get("target")
    score[name + (":" + target if target else "")] = r["primaryMetric"]["score"]
fp1, ceiling = score["fp1Samples"], score["sha256Ceiling"]
row = "| {} | {} | {:.2f} M/s | {:.2f} M/s | {:.2f} | {:.1f} ms | {:.0f} ms | {:.0f} ms | {:.2f} ms | {:.2f} ms |".format(
    date, commit, fp1 / 1e6, ceiling / 1e6, fp1 / ceiling, score["verifyDay"],
    score["baselines:2026-06-19"], score["baselines:2026-06-20"], score["mk1ClearAndPay"], score["da1Clear"])
heading = "## Spec algorithms (JMH, one core)"
section = f"""{heading}

`scripts/bench-spec.sh` runs the JMH benchmarks in `benchmarks/` pinned to one core
(`taskset -c 0`), on {cpu} with {jvm}. Each run adds a row. Targets (issue 3): FP1 within 2x of
the raw SHA-256 rate (ratio >= 0.5); a day at 1 Hz verified in <= 20 ms; BL1 for 100,000 customers
in <= 2 s; MK1 and DA1 with 10,000 entries in <= 100 ms.

- FP1 and SHA-256: samples (hashes) per second over quarter-hours of 900 samples; the ceiling
  hashes the same chained 48-byte blocks and does nothing else.
- verify day: the FP1 audit of 86,400 samples against 96 certified records, links included.
- BL1: 100,000 customers x 96 slots x 45 days in memory (3.3 GB), every baseline for one target:
  a Friday (High 5 of 10) and a Saturday (Low 2 of 3), two event days excluded per customer.
- MK1: merit-order clearing and payment of 10,000 offers; DA1: 10,000 orders with a capacity limit.

| date | commit | FP1 samples/s | SHA-256/s | ratio | verify day | BL1 100k weekday | BL1 100k weekend | MK1 10k | DA1 10k |
|---|---|---|---|---|---|---|---|---|---|
"""
text = open(doc).read()
if heading not in text:
    anchor = "## RecordInterval through the gateway"
    text = text.replace(anchor, section + "\n" + anchor) if anchor in text else text.rstrip("\n") + "\n\n" + section
start = text.index(heading)
nxt = text.find("\n## ", start + len(heading))
end = nxt if nxt >= 0 else len(text)
body = text[start:end].rstrip("\n") + "\n" + row + "\n"
text = text[:start] + body + ("\n" + text[end:].lstrip("\n") if nxt >= 0 else "")
open(doc, "w").write(text)
print(row)
PY
log "added to docs/benchmarks.md"
