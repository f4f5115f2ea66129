#!/usr/bin/env bash
# Charging stations on the running network, live (decision 0024): the CPO registers two stations, its
# gateway process serves OCPP 1.6J, two simulated charge points charge in real time while a DSO's DR
# event calls their connectors for the next quarter-hour, and the gateway sends them charging profiles
# over the event's window. (The main scenario, scripts/demo.sh, replays a whole event with stations
# through to settlement; this one shows the gateway as a member runs it, on the wall clock.) Needs the
# network up (scripts/demo.sh or scripts/network.sh up) and the client app built. Stops only the
# gateway it started (its PID); leaves the network running.
#   scripts/demo-ocpp.sh [PORT]     (default 8887; FLEXLEDGER_WORK picks the network as for flexledger)
set -euo pipefail
FLEXLEDGER_SCRIPT=demo-ocpp
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"
PORT="${1:-8887}"
WORK="${FLEXLEDGER_WORK:-work/network}"
[[ -d "$WORK" ]] || die "no network in $WORK: run scripts/demo.sh or scripts/network.sh up first"
command -v jq >/dev/null 2>&1 || die "'jq' is not installed"
fl() { scripts/flexledger "$@"; }

TAG="$(date -u +%H%M%S)"
OUT="$WORK/demo-ocpp-$TAG"
mkdir -p "$OUT"   # under the network's work folder: ignored by git, the passwords stay there
log "1/5 two charging stations of the CPO: CHARGING_STATION assets, a meter per connector, basic-auth passwords"
fl --org cpo ocpp register --station "CS-$TAG" --count 2 --connectors 1 --zone zone-1 > "$OUT/stations.json"
jq -c '.stations[] | {stationId, meters}' "$OUT/stations.json"

log "2/5 the CPO's gateway as OCPP central system on ws://127.0.0.1:$PORT"
scripts/flexledger --org cpo gateway --ocpp "127.0.0.1:$PORT" --ocpp-sample-interval 10 --submit-every 60 --quiet > "$OUT/gateway.log" 2>&1 &
GATEWAY=$!
trap 'kill "$GATEWAY" 2>/dev/null || true; wait "$GATEWAY" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  grep -q '"event":"started"' "$OUT/gateway.log" 2>/dev/null && break
  kill -0 "$GATEWAY" 2>/dev/null || die "the gateway stopped: $(tail -3 "$OUT/gateway.log")"
  sleep 0.2
done

log "3/5 two simulated charge points charge for 60 s (MeterValues every 5 s)"
scripts/flexledger --org cpo ocpp simulate --url "ws://127.0.0.1:$PORT" --credentials "$OUT/stations.json" --interval 5 --for 60 \
  > "$OUT/simulation.json" 2> "$OUT/simulation.log" &
SIMULATION=$!

log "4/5 the DSO calls a DR event on the stations' connectors for the next quarter-hour"
P="P-OCPP-$TAG"; E="E-OCPP-$TAG"
M1="CS-$TAG-0001-C1"; M2="CS-$TAG-0002-C1"
fl --org dso --as admin dr program create --id "$P" --reward-rate 100 --penalty-rate 50 --weekday 5/10 --weekend 2/3 \
  --timezone Europe/Berlin > /dev/null
for m in "$M1" "$M2"; do
  fl --org cpo --as admin dr enrol --program "$P" --asset "$m" > /dev/null
  fl --org dso --as admin dr accept --program "$P" --asset "$m" > /dev/null
done
NOW=$(date +%s); START=$(( (NOW / 900 + 1) * 900 )); (( START - NOW < 60 )) && START=$(( START + 900 ))
fl --org dso --as admin dr event create --id "$E" --program "$P" --window-start "$(date -u -d "@$START" +%Y-%m-%dT%H:%M:%SZ)" \
  --window-minutes 15 --assets "$M1,$M2" --budget 0 --payer org | jq -c '{id, windowStart, windowEnd, assets}'
wait "$SIMULATION" || true

log "5/5 what the gateway kept"
echo "simulation:"; jq -c . "$OUT/simulation.json"
echo "stations:";   fl --org cpo ocpp stations | jq -c ".stations[] | select(.stationId | startswith(\"CS-$TAG\")) | {stationId, bootedAt, connectorStatus}"
echo "sessions:";   fl --org cpo ocpp sessions | jq -c ".sessions[] | select(.stationId | startswith(\"CS-$TAG\")) | {stationId, meterId, meterStartWh, meterStopWh, energyWh}"
echo "profiles:";   fl --org cpo ocpp profile | jq -c ".profiles[] | select(.stationId | startswith(\"CS-$TAG\")) | {stationId, source, purpose, limitW, validFrom, validTo, status, checked}"
kill "$GATEWAY" 2>/dev/null || true; wait "$GATEWAY" 2>/dev/null || true; trap - EXIT
echo "outbox:";     fl --org cpo outbox status | jq -c ".meters[] | select(.meterId | startswith(\"CS-$TAG\"))"
log "the connectors' quarter-hours are certified by the gateway once they closed: run it again after this quarter-hour"
log "(scripts/flexledger --org cpo gateway --ocpp 127.0.0.1:$PORT --for 90), then: scripts/flexledger --org cpo audit --meter $M1"
log "the DR window starts at the next quarter-hour: the profiles are in the stations for it (ocpp profile), the gateway clears them after"
log "files: $OUT"
