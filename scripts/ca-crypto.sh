#!/usr/bin/env bash
# Makes a FlexLedger network's crypto material with Fabric CA instead of cryptogen: starts one CA
# server per org (the four members and the orderer org) and enrols the identities that
# network.sh enrols (peer0, Admin, User1-User3; network.sh adds User4), into WORK/crypto in
# cryptogen's layout. The CAs keep running, recorded in WORK/pids (so `scripts/network.sh down`
# stops them with the rest). `scripts/network.sh up` now runs the same sequence itself
# (generate_crypto; docs/decisions/0012-fabric-ca.md); this script stays for making crypto
# material without a network.
#
#   scripts/ca-crypto.sh WORK CA_BASE_PORT     CA of org i on CA_BASE_PORT+10*i (+1 operations):
#                                              dso, aggregator, community, cpo, orderer
#   scripts/ca-crypto.sh --stop WORK           stop the CAs recorded in WORK/pids
set -euo pipefail
FLEXLEDGER_SCRIPT=ca-crypto
# shellcheck source=lib/ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ca.sh"

DOMAIN=flexledger.local
ORGS=(dso aggregator community cpo)

if [ "${1:-}" = --stop ]; then
  [ -n "${2:-}" ] || die "usage: ca-crypto.sh --stop WORK"
  WORK=$(realpath -m "$2")
  for org in "${ORGS[@]}" orderer; do
    [ -d "$WORK/ca/$org" ] && ca_server_stop "$WORK/ca/$org" "$WORK/pids"
  done
  exit 0
fi
case "${1:-}" in -h|--help|"") sed -n '2,12p' "$0"; exit 0 ;; esac
[ -n "${2:-}" ] || die "usage: ca-crypto.sh WORK CA_BASE_PORT"
WORK=$(realpath -m "$1"); BASE=$2
CRYPTO="$WORK/crypto"
[ ! -d "$CRYPTO" ] || [ -d "$WORK/ca" ] || die "$CRYPTO exists and was not made by Fabric CA (cryptogen?): use another work folder"
mkdir -p "$WORK/pids" "$WORK/logs"
started=$(date +%s)

i=0
for org in "${ORGS[@]}" orderer; do
  ca_server_start "$WORK/ca/$org" "$org.$DOMAIN" $((BASE + 10 * i)) "$WORK/pids" "$WORK/logs/ca.$org.log"
  i=$((i + 1))
done
for org in "${ORGS[@]}" orderer; do ca_wait_ready "$WORK/ca/$org" 60; ca_enroll_admin "$WORK/ca/$org"; done

for org in "${ORGS[@]}"; do
  home="$WORK/ca/$org" dir="$CRYPTO/peerOrganizations/$org.$DOMAIN"
  log "enrolling peer0, Admin, User1 (gateway), User2 (device), User3 (client) of $org"
  ca_org_msp "$home" "$dir"
  ca_peer "$home" "$dir" peer0
  ca_user "$home" "$dir" Admin admin
  ca_user "$home" "$dir" User1 client
  ca_user "$home" "$dir" User2 client    # the device identity network.sh binds to assets by identity id
  ca_user "$home" "$dir" User3 client
done
home="$WORK/ca/orderer" dir="$CRYPTO/ordererOrganizations/orderer.$DOMAIN"
log "enrolling orderer0 and Admin of the orderer org"
ca_org_msp "$home" "$dir"
ca_orderer "$home" "$dir" orderer0
ca_user "$home" "$dir" Admin admin
log "crypto material in $CRYPTO in $(( $(date +%s) - started ))s; CAs running, recorded in $WORK/pids"
