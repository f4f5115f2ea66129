#!/usr/bin/env bash
# Sets everything up and runs FlexLedger's main scenario on one machine:
# installs Fabric when needed, builds the project, brings the local network up with the chaincodes
# deployed, runs the scenario, then starts the community's member gateway (REST API, dashboard,
# analytics replica) and prints the dashboard's address and a token for it. The network and the
# gateway keep running afterwards; `scripts/network.sh down` stops both.
set -euo pipefail
FLEXLEDGER_SCRIPT=demo
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"

for tool in go java mvn curl tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed; see README.md, Prerequisites"
done

log "1/5 Fabric binaries"
scripts/install-fabric.sh >/dev/null
log "2/5 building the chaincodes and the client app (mvn -DskipTests package)"
mvn -B -q -ntp -Dstyle.color=never -DskipTests package
log "3/5 the local network"
scripts/network.sh up
scripts/network.sh status
log "4/5 the scenario"
echo
scripts/flexledger demo

log "5/5 the community's member gateway"
scripts/network.sh gateway community
port=$(scripts/network.sh ports | awk '$1 == "gateway.community" { print $2 }')
# A credential for the dashboard: its token is shown once (only its hash is kept in the member store).
token=$(scripts/flexledger --org community credential create --name "dashboard-$(date +%Y%m%d%H%M%S)" --kind ems \
  | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || die "could not create a credential for the dashboard (scripts/flexledger --org community credential create)"
echo
echo "The community's gateway runs (scripts/network.sh down stops it with the network):"
echo "  dashboard      http://127.0.0.1:$port/"
echo "  API document   http://127.0.0.1:$port/docs"
echo "  metrics        curl -H 'Authorization: Bearer <token>' http://127.0.0.1:$port/metrics"
echo "  token          $token"
echo "                 (an EMS credential of the community, shown once; 'scripts/flexledger --org community credential revoke --name ...' revokes it)"
