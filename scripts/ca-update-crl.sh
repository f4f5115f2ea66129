#!/usr/bin/env bash
# Puts an org's current CRL (its msp/crls/crl.pem, written by ca_revoke/ca_gencrl of lib/ca.sh)
# into the org's MSP in the channel config of every channel the org is in: fetch the config block,
# set .channel_group.groups.Application.groups.<MSPID>.values.MSP.value.config.revocation_list,
# compute the update with configtxlator, sign and submit it as the org's Admin (the org's own
# Admins policy governs its MSP value). Peers then refuse the revoked certificates' signatures.
# `scripts/network.sh revoke ORG NAME` does the same (revocation included) and waits for the peers.
#
#   scripts/ca-update-crl.sh ORG [CHANNEL...]   (default: grid, and community for aggregator and community)
#
# Uses scripts/network.sh env for the peer CLI, so it honours FLEXLEDGER_WORK and
# FLEXLEDGER_BASE_PORT like network.sh. Needs jq.
set -euo pipefail
FLEXLEDGER_SCRIPT=ca-update-crl
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

org=${1:-}
[ -n "$org" ] || { sed -n '2,12p' "$0"; exit 2; }
shift
declare -A MSP=([dso]=DsoMSP [aggregator]=AggregatorMSP [community]=CommunityMSP [cpo]=CpoMSP)
mspid=${MSP[$org]:-}
[ -n "$mspid" ] || die "unknown org '$org' (dso, aggregator, community, cpo)"
channels=("$@")
if [ ${#channels[@]} = 0 ]; then
  channels=(grid); case "$org" in aggregator|community) channels+=(community) ;; esac
fi
command -v jq >/dev/null 2>&1 || die "jq is needed (apt-get install jq)"

eval "$("$FLEXLEDGER_ROOT/scripts/network.sh" env "$org" admin)"
crl="$(dirname "$CORE_PEER_MSPCONFIGPATH")/../../msp/crls/crl.pem"
[ -s "$crl" ] || die "no CRL at $crl: revoke with ca_revoke (scripts/lib/ca.sh) first"
crl_b64=$(base64 -w0 < "$crl")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for ch in "${channels[@]}"; do
  log "channel '$ch': fetching the config"
  peer channel fetch config "$tmp/block.pb" -c "$ch" -o "$FLEXLEDGER_ORDERER" --tls --cafile "$FLEXLEDGER_ORDERER_CA" 2>"$tmp/fetch.log" \
    || { cat "$tmp/fetch.log" >&2; die "could not fetch the config of '$ch'"; }
  configtxlator proto_decode --input "$tmp/block.pb" --type common.Block | jq '.data.data[0].payload.data.config' > "$tmp/config.json"
  jq -e --arg m "$mspid" '.channel_group.groups.Application.groups[$m]' "$tmp/config.json" >/dev/null \
    || die "$mspid is not a member of '$ch'"
  jq --arg m "$mspid" --arg c "$crl_b64" \
    '.channel_group.groups.Application.groups[$m].values.MSP.value.config.revocation_list = [$c]' "$tmp/config.json" > "$tmp/modified.json"
  if cmp -s <(jq -S . "$tmp/config.json") <(jq -S . "$tmp/modified.json"); then
    log "channel '$ch': $mspid already carries this CRL"; continue
  fi
  configtxlator proto_encode --input "$tmp/config.json" --type common.Config --output "$tmp/config.pb"
  configtxlator proto_encode --input "$tmp/modified.json" --type common.Config --output "$tmp/modified.pb"
  configtxlator compute_update --channel_id "$ch" --original "$tmp/config.pb" --updated "$tmp/modified.pb" --output "$tmp/update.pb"
  configtxlator proto_decode --input "$tmp/update.pb" --type common.ConfigUpdate > "$tmp/update.json"
  jq -n --arg ch "$ch" --slurpfile u "$tmp/update.json" \
    '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: $u[0]}}}' > "$tmp/envelope.json"
  configtxlator proto_encode --input "$tmp/envelope.json" --type common.Envelope --output "$tmp/envelope.pb"
  log "channel '$ch': submitting the update, signed by $mspid's Admin"
  peer channel update -f "$tmp/envelope.pb" -c "$ch" -o "$FLEXLEDGER_ORDERER" --tls --cafile "$FLEXLEDGER_ORDERER_CA" 2>"$tmp/update.log" \
    || { cat "$tmp/update.log" >&2; die "the config update of '$ch' was refused"; }
done
log "the CRL of $mspid ($(openssl crl -in "$crl" -noout -text 2>/dev/null | grep -c 'Serial Number') revoked certificate(s)) is in the config of: ${channels[*]}"
