#!/usr/bin/env bash
# Sets everything up and runs FlexLedger's main scenario on one machine:
# installs Fabric when needed, builds the project, brings the local network up with the chaincodes
# deployed, runs a short scenario and tells you how to look further. The network keeps running
# afterwards; `scripts/network.sh down` stops it.
set -euo pipefail
FLEXLEDGER_SCRIPT=demo
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$FLEXLEDGER_ROOT"

for tool in go java mvn curl tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed; see README.md, Prerequisites"
done

log "1/4 Fabric binaries"
scripts/install-fabric.sh >/dev/null
log "2/4 building the chaincodes and the client app (mvn -DskipTests package)"
mvn -B -q -ntp -Dstyle.color=never -DskipTests package
log "3/4 the local network"
scripts/network.sh up
scripts/network.sh status
log "4/4 the scenario"
echo
scripts/flexledger demo
