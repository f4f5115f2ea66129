#!/usr/bin/env bash
# Times the enrolment of N device identities at one org's Fabric CA (the same server, configuration
# and helpers as scripts/network.sh up: scripts/lib/ca.sh), and stops that CA again. No network: a
# device's enrolment involves only its org's CA.
#
#   scripts/bench-enrol.sh [N] [--paths LIST] [--record]
#
#   N          devices per path (default 1000)
#   --paths    comma-separated, in this order by default: parallel,bulk
#                parallel  ca_devices … 4: per device one `fabric-ca-client register` and one
#                          `enroll` (what `flexledger device enroll` runs), 4 devices at a time
#                bulk      ca_devices_fast … 4: bulkenroll, one Go process with Fabric CA's client
#                          library, 4 devices at a time
#                serial    ca_device, one after the other (the plain path without parallelism)
#   --record   append one row per path to docs/benchmarks.md (needs python3)
#
# Every path enrols its own N devices (names <path><i>, assets MTR-<PATH>-<i>) into one fresh CA
# in a temporary folder, so the CA's database grows from 0 to about 2,000 identities over a run.
# Prints one line per path: devices, seconds, ms per device, devices per second.
# Environment: FLEXLEDGER_BENCH_CA_PORT (default: the first free pair from 19600 up to 19698),
# FLEXLEDGER_BENCH_KEEP=1 keeps the temporary folder.
set -euo pipefail
FLEXLEDGER_SCRIPT=bench-enrol
# shellcheck source=lib/ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ca.sh"

n=1000 paths=parallel,bulk record=0
while [ $# -gt 0 ]; do
  case "$1" in
    --paths) [ $# -ge 2 ] || die "--paths needs a value (parallel,bulk,serial)"; paths=$2; shift 2 ;;
    --record) record=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) [[ "$1" =~ ^[1-9][0-9]*$ ]] || die "unknown argument '$1' (N, --paths LIST, --record)"; n=$1; shift ;;
  esac
done
for p in ${paths//,/ }; do case "$p" in parallel|bulk|serial) ;; *) die "unknown path '$p' (parallel, bulk, serial)";; esac; done
[ "$record" = 0 ] || command -v python3 >/dev/null 2>&1 || die "--record needs python3"
_ca_bin_init   # build Fabric CA first (the first time), outside the timed part

TMP=$(mktemp -d "${TMPDIR:-/tmp}/flexledger-bench-enrol.XXXXXX"); TMP=$(realpath "$TMP")
CA_HOME="$TMP/ca/dso" PIDS="$TMP/pids" DOMAIN=dso.flexledger.local
ORG="$TMP/crypto/peerOrganizations/$DOMAIN"
cleanup() {
  ca_server_stop "$CA_HOME" "$PIDS" >/dev/null 2>&1 || true
  if [ "${FLEXLEDGER_BENCH_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${FLEXLEDGER_BENCH_CA_PORT:-}
if [ -z "$PORT" ]; then
  for p in $(seq 19600 2 19698); do
    if port_free "$p" && port_free $((p + 1)); then PORT=$p; break; fi
  done
  [ -n "$PORT" ] || die "no free pair of ports between 19600 and 19699"
fi

ca_server_start "$CA_HOME" "$DOMAIN" "$PORT" "$PIDS"
ca_wait_ready "$CA_HOME" 30
ca_enroll_admin "$CA_HOME"
ca_org_msp "$CA_HOME" "$ORG"
log "ca.dso on 127.0.0.1:$PORT; $n devices per path: ${paths//,/, }; load average $(cut -d' ' -f1-3 /proc/loadavg)"

commit=$(git -C "$FLEXLEDGER_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
results=()
for path in ${paths//,/ }; do
  load0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  case "$path" in
    parallel) for i in $(seq 1 "$n"); do echo "parallel$i MTR-PARALLEL-$i"; done | ca_devices "$CA_HOME" "$ORG" 4 ;;
    bulk)     for i in $(seq 1 "$n"); do echo "bulk$i MTR-BULK-$i"; done | ca_devices_fast "$CA_HOME" "$ORG" 4 ;;
    serial)   for i in $(seq 1 "$n"); do ca_device "$CA_HOME" "$ORG" "serial$i" "MTR-SERIAL-$i"; done ;;
  esac
  t1=$(date +%s%N)
  made=$(find "$ORG/users" -maxdepth 1 -name "$path[0-9]*@$DOMAIN" | wc -l)
  [ "$made" = "$n" ] || die "$path: $made device folders instead of $n"
  # One certificate of the path, checked: the asset attribute is in it.
  openssl x509 -in "$ORG/users/${path}1@$DOMAIN/msp/signcerts/${path}1@$DOMAIN-cert.pem" -noout -text 2>/dev/null \
    | grep -q "\"flexledger.asset\":\"MTR-${path^^}-1\"" || die "$path: ${path}1's certificate lacks flexledger.asset=MTR-${path^^}-1"
  ms=$(( (t1 - t0) / 1000000 ))
  line=$(printf '%s: %d devices in %.1f s (%d ms each, %.1f per second); load average %s at the start, %s at the end' \
    "$path" "$n" "$(echo "$ms / 1000" | bc -l)" $((ms / n)) "$(echo "$n * 1000 / $ms" | bc -l)" "$load0" "$(cut -d' ' -f1 /proc/loadavg)")
  echo "$line"
  results+=("$path $ms $load0 $(cut -d' ' -f1 /proc/loadavg)")
done

if [ "$record" = 1 ]; then
  heading="## Enrolling device identities at a Fabric CA"
  intro=$(mktemp); trap 'rm -f "$intro"; cleanup' EXIT
  cat > "$intro" <<'MD'
## Enrolling device identities at a Fabric CA

One org's `fabric-ca-server` (v1.5.15, SQLite, TLS, as `scripts/network.sh up` runs it) enrolling
device identities (`client` with `flexledger.asset=<asset>` in the certificate; MSP folder in
cryptogen's layout). `parallel` is what `flexledger device enroll` does per device (one
`fabric-ca-client register` and one `enroll`), 4 devices at a time (`ca_devices`); `bulk` is
`bulkenroll` (one Go process with Fabric CA's client library, 4 at a time: `ca_devices_fast`). The
server is the limit (bcrypt of the secret at register and at enrol, one ECDSA signature);
`serial` is `ca_device` one after the other. The load average is the machine's (1 minute) at the
start and at the end of each path: other agents' networks and builds share the 2 cores, so the
figures are upper bounds.

| date | commit | path | devices | wall time | per device | load average | command |
|---|---|---|---|---|---|---|---|
MD
  for r in "${results[@]}"; do
    read -r path ms load0 load1 <<<"$r"
    row="| $(date -u +%Y-%m-%d) | $commit | $path | $n | $(printf '%.1f' "$(echo "$ms / 1000" | bc -l)") s | $((ms / n)) ms | $load0 → $load1 | \`scripts/bench-enrol.sh $n --paths $path\` |"
    python3 "$FLEXLEDGER_ROOT/scripts/lib/add_row.py" "$FLEXLEDGER_ROOT/docs/benchmarks.md" "$heading" "$row" "$intro" "## Spec algorithms (JMH, one core)"
  done
  log "rows added to docs/benchmarks.md under '$heading'"
fi
