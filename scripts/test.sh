#!/usr/bin/env bash
# Runs all of FlexLedger's tests:
#   1. unit tests of every module (mvn package: spec vectors, chaincodes with a stubbed ledger, client);
#   2. a real Fabric network in its own work folder (work/test-network, ports from 18000), started
#      here and always stopped afterwards, even when a test fails;
#   3. the integration tests (client-app *IT) and the demo scenario against that network.
# Exits non-zero when anything fails or when a process of the test network is left running.
#
# Environment: FLEXLEDGER_TEST_WORK, FLEXLEDGER_TEST_BASE_PORT to move the test network.
set -euo pipefail
FLEXLEDGER_SCRIPT="test"
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"

FLEXLEDGER_WORK=$(realpath -m "${FLEXLEDGER_TEST_WORK:-$FLEXLEDGER_ROOT/work/test-network}")
export FLEXLEDGER_WORK
export FLEXLEDGER_BASE_PORT="${FLEXLEDGER_TEST_BASE_PORT:-18000}"
MVN=(mvn -B -ntp -Dstyle.color=never)
started=$(date +%s)

# Processes whose working folder is inside the test network's folder: ours, whatever their PID.
leftovers() {
  local p cwd
  for p in /proc/[0-9]*; do
    cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
    case "$cwd" in "$FLEXLEDGER_WORK"/*) echo "${p#/proc/} $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null | cut -c1-80)";; esac
  done
}

# One closing line over every JUnit report (unit and integration): "N passed, N failed, N skipped".
summary() {
  local t=0 f=0 e=0 s=0 line
  while read -r line; do
    t=$((t + $(sed -nE 's/.*[[:space:]]tests="([0-9]+)".*/\1/p' <<<"$line")))
    f=$((f + $(sed -nE 's/.*[[:space:]]failures="([0-9]+)".*/\1/p' <<<"$line")))
    e=$((e + $(sed -nE 's/.*[[:space:]]errors="([0-9]+)".*/\1/p' <<<"$line")))
    s=$((s + $(sed -nE 's/.*[[:space:]]skipped="([0-9]+)".*/\1/p' <<<"$line")))
  done < <(cat ./*/target/surefire-reports/TEST-*.xml ./*/target/failsafe-reports/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>')
  echo "tests: $((t - f - e - s)) passed, $((f + e)) failed, $s skipped" >&2
}

cleanup() {
  local rc=$?
  log "stopping the test network"
  scripts/network.sh down || rc=1
  local left; left=$(leftovers)
  if [ -n "$left" ]; then
    log "processes of the test network still running after down:"; echo "$left" >&2
    rc=1
  else
    log "no process of the test network is left running"
  fi
  if [ "$rc" = 0 ]; then
    scripts/network.sh down --purge
  else
    log "keeping $FLEXLEDGER_WORK for inspection (logs/ has one log per node)"
  fi
  log "finished in $(( $(date +%s) - started ))s with exit code $rc"
  summary   # the closing line: "tests: N passed, N failed, N skipped"
  exit "$rc"
}

# Mosquitto, from Debian's packages, is MqttGatewayIT's second real broker (Moquette is the first).
# jq, from Debian's packages, is what `network.sh revoke` edits channel configs with (RevocationIT).
if ! command -v jq >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing jq (Debian package) for network.sh revoke"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq >/dev/null
  else
    log "ERROR: network.sh revoke (RevocationIT) needs jq: sudo apt-get install jq"
    exit 1
  fi
fi

if [ ! -x /usr/sbin/mosquitto ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing mosquitto (Debian package) for the MQTT integration test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mosquitto >/dev/null
  else
    log "ERROR: the MQTT integration test needs Mosquitto from Debian's packages: sudo apt-get install mosquitto"
    exit 1
  fi
fi

# Chromium and its WebDriver, from Debian's packages: DashboardIT drives the dashboard in a real headless
# browser through /usr/bin/chromedriver (Selenium downloads nothing; decision 0023).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing chromium and chromium-driver (Debian packages) for the dashboard's browser test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
  else
    log "ERROR: the dashboard's browser test (DashboardIT) needs Chromium and its driver from Debian's packages:"
    log "  sudo apt-get install chromium chromium-driver"
    exit 1
  fi
fi

# PostgreSQL's server binaries, from Debian's packages: ReplicaIT starts a throwaway cluster of its own.
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && [ -z "${FLEXLEDGER_PG_BIN:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    # Only the versioned server package, and neither a main cluster nor a service start: the
    # 'postgresql' metapackage's postinst would create and start a system cluster on 5432 that this
    # script never stops. createcluster.conf is pre-seeded (restored if it existed), policy-rc.d
    # forbids starts during the install and is removed afterwards.
    apt-get update -qq
    pgver=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n1 || true)
    if [ -z "$pgver" ] || [ -e /usr/sbin/policy-rc.d ]; then
      log "ERROR (PG_INSTALL): cannot install PostgreSQL without a cluster here (no versioned package, or /usr/sbin/policy-rc.d exists)."
      log "  Install the server binaries yourself without a main cluster, e.g.: echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf; apt-get install postgresql-NN"
      exit 1
    fi
    log "installing postgresql-$pgver (Debian package, no cluster, no service) for the replica's integration test"
    conf=/etc/postgresql-common/createcluster.conf
    mkdir -p /etc/postgresql-common
    [ -e "$conf" ] && cp -p "$conf" "$conf.flexledger-bak"
    echo 'create_main_cluster = false' >> "$conf"
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    pgrc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold \
      "postgresql-$pgver" >/dev/null || pgrc=$?
    rm -f /usr/sbin/policy-rc.d
    [ -e "$conf.flexledger-bak" ] && mv -f "$conf.flexledger-bak" "$conf"
    if [ "$pgrc" != 0 ]; then
      log "ERROR (PG_INSTALL): apt-get install postgresql-$pgver failed (exit $pgrc)"
      exit 1
    fi
  else
    log "ERROR (PG_INSTALL): the replica's integration test needs PostgreSQL's server binaries, without a main cluster:"
    log "  sudo sh -c \"mkdir -p /etc/postgresql-common; echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf\"; sudo apt-get install postgresql-NN"
    exit 1
  fi
fi

log "1/3 unit tests and build (mvn clean package)"
# clean: coverage must come from this run alone (the integration tests append to target/jacoco.exec).
"${MVN[@]}" clean package

log "2/3 starting a fresh test network in $FLEXLEDGER_WORK (base port $FLEXLEDGER_BASE_PORT)"
scripts/network.sh down --purge >/dev/null 2>&1 || true
trap cleanup EXIT
scripts/network.sh up
scripts/network.sh status

log "3/3 integration tests and the demo scenario against the real network"
"${MVN[@]}" -pl client-app -am verify -DskipITs=false -DskipUnitTests=true
scripts/flexledger demo --intervals 2 --no-hints
# The main command's last step: the community's gateway as a node of the network (down stops it first).
scripts/network.sh gateway community
gw="http://127.0.0.1:$(scripts/network.sh ports | awk '$1 == "gateway.community" { print $2 }')"
curl -fsS "$gw/health" >/dev/null && curl -fsS "$gw/docs" >/dev/null && curl -fsS -o /dev/null "$gw/" \
  || { log "ERROR: the gateway started by 'network.sh gateway community' does not serve /health, /docs and /"; exit 1; }
log "the community's gateway serves $gw/health, /docs and /"
