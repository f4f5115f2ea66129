# shellcheck shell=bash
# `scripts/network.sh add-org NAME --role ROLE [...]`: a new member joins the running network
# (docs/decisions/0015-add-org.md). Sourced by network.sh; uses its layout and helpers.
#
# Steps, each of which first checks whether it is already done, so that the command is a no-op the
# second time and resumes where an interrupted run stopped:
#   1. identities: the org's own Fabric CA, its peer, admin and users enrolled (crypto/);
#   2. channel grid: a config update that adds the org's MSP and anchor peer and extends the
#      channel's MemberWriters, MemberReaders and AnyTwoMembers policies, signed by a majority of
#      the member orgs' admins (the Application group's MAJORITY Admins policy);
#   3. its peer started, joined from the genesis block and caught up with the others;
#   4. its chaincode servers started, the packages installed, the committed definitions approved;
#   5. governance: AdmitMember voted by the admins of the members until it applies;
#   6. chaincode-energy's collections regenerated from the consortium on the ledger; when they
#      changed, a new definition sequence approved by every org and committed.
# Before step 2 the command checks the admission it will ask for (AdmitMember simulated, nothing
# committed). Up to step 2 a failure leaves the network as it was (the new org's CA may run; `down`
# stops it); once the channel update is submitted, the org is in the channel and running add-org
# again completes the rest. Between step 2 and step 5 the org's peer is in the channel's
# AnyTwoMembers policy without a role on the ledger: it can endorse, its identities can do nothing
# that needs membership (decision 0015).

ADD_ORG_STEP=""
ADD_ORG_CHANGED=0   # set by each step that changed something
ADD_ORG_IN_CHANNEL=0   # set once the channel update that adds the org was submitted

add_org_usage() {
  cat >&2 <<'EOF'
usage: scripts/network.sh add-org NAME --role ROLE[,ROLE...] [--zones Z1,Z2] [--represents MSP1,MSP2] [--msp MSPID]

  NAME          the org's short name: lower-case letters and digits, starting with a letter (e.g. aggregator2)
  --role        DSO, AGGREGATOR, COMMUNITY, CPO or ISSUER (several comma-separated)
  --zones       zones a DSO operates (none may be operated by another DSO)
  --represents  MSP ids of members an aggregator represents
  --msp         the org's MSP id (default: NAME capitalised + MSP, e.g. Aggregator2MSP)

Adds the org to the running network and to the consortium on the ledger; running it again is a
no-op, and after a failure it resumes. Needs jq.
EOF
}

cmd_add_org() {
  local name="" roles="" zones="" represents="" msp=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --role|--roles) roles=${2:-}; shift 2 || true ;;
      --zones) zones=${2:-}; shift 2 || true ;;
      --represents) represents=${2:-}; shift 2 || true ;;
      --msp) msp=${2:-}; shift 2 || true ;;
      -h|--help) add_org_usage; exit 0 ;;
      -*) add_org_usage; die "unknown option '$1' for add-org" ;;
      *) [ -z "$name" ] || { add_org_usage; die "add-org takes one NAME (got '$name' and '$1')"; }; name=$1; shift ;;
    esac
  done
  [ -n "$name" ] && [ -n "$roles" ] || { add_org_usage; die "add-org needs NAME and --role"; }
  [[ "$name" =~ ^[a-z][a-z0-9]{0,19}$ ]] || die "org name '$name': lower-case letters and digits, starting with a letter, at most 20"
  [ "$name" != orderer ] || die "'orderer' is the ordering service's org"
  local f
  for f in "${FOUNDERS[@]}"; do [ "$f" != "$name" ] || die "'$name' is a founding member of this network; add-org adds new ones"; done
  local r
  for r in ${roles//,/ }; do
    case "$r" in DSO|AGGREGATOR|COMMUNITY|CPO|ISSUER) ;; *) die "unknown role '$r': DSO, AGGREGATOR, COMMUNITY, CPO or ISSUER";; esac
  done
  [ -n "$msp" ] || msp="$(tr '[:lower:]' '[:upper:]' <<<"${name:0:1}")${name:1}MSP"
  [[ "$msp" =~ ^[A-Za-z][A-Za-z0-9-]{0,39}$ ]] || die "MSP id '$msp': letters, digits and '-', starting with a letter"
  command -v jq >/dev/null 2>&1 || die "add-org needs jq (apt-get install jq)"
  local o
  for o in "${ORGS[@]}"; do
    if [ "$o" = "$name" ] && [ "${MSP[$o]}" != "$msp" ]; then die "org '$name' is already in this network as ${MSP[$o]}, not $msp"; fi
    if [ "$o" != "$name" ] && [ "${MSP[$o]}" = "$msp" ]; then die "MSP id $msp is already org '$o'"; fi
  done
  fabric; _ca_bin_init
  [ -f "$MARKER" ] || die "no network in $WORK: start it with 'scripts/network.sh up' first"
  # The rest of the network must run; the new org's own processes are add-org's to start (a resumed run).
  proc_alive orderer0 && curl -fsS "http://127.0.0.1:$(orderer_ops)/healthz" >/dev/null 2>&1 \
    || die "orderer0 of $WORK is not running: add-org changes a running network ('scripts/network.sh up' first)"
  for o in "${ORGS[@]}"; do
    [ "$o" = "$name" ] && continue
    proc_alive "peer0.$o" && curl -fsS "http://127.0.0.1:$(peer_ops "$o")/healthz" >/dev/null 2>&1 \
      || die "peer0.$o of $WORK is not running: add-org changes a running network ('scripts/network.sh up' first; 'status' says what is down)"
  done
  local t0; t0=$(date +%s)
  # A step that fails without its own message still names the command that failed.
  set -E
  trap 'ADD_ORG_FAILED_AT="${BASH_COMMAND} (${BASH_SOURCE[0]##*/}:${LINENO})"' ERR
  trap 'add_org_failed $?' EXIT
  # Called plainly (not in `||` lists) so that `set -e` stays in force inside each step.
  add_org_check_spec "$name" "$msp" "$roles" "$zones" "$represents"
  add_org_identities "$name" "$msp"
  add_org_channel "$name" grid
  add_org_peer "$name"
  add_org_chaincodes "$name"
  add_org_admit "$name" "$msp" "$roles" "$zones" "$represents"
  add_org_collections
  ADD_ORG_STEP="7/7 gossip and client profiles"
  wait_gossip
  write_client_profiles
  trap - EXIT ERR
  if [ "$ADD_ORG_CHANGED" = 0 ]; then
    log "$msp ($name) is already a member of this network: nothing changed"
  else
    log "$msp ($name) added to the running network in $(( $(date +%s) - t0 ))s: peer0.$name on 127.0.0.1:$(peer_port "$name"), ca.$name on 127.0.0.1:$(ca_port "$name"); client profiles in $WORK/clients/$name-*.properties"
  fi
}

add_org_failed() {
  local rc=$1
  [ "$rc" = 0 ] && return 0
  [ -n "${ADD_ORG_FAILED_AT:-}" ] && log "failed: $ADD_ORG_FAILED_AT"
  if [ "$ADD_ORG_IN_CHANNEL" = 1 ]; then ADD_ORG_STEP="${ADD_ORG_STEP:-2/7} (the channel update was submitted)"; fi
  case "$ADD_ORG_IN_CHANNEL/$ADD_ORG_STEP" in
    0/0/*) log "add-org stopped before changing anything." ;;
    0/*) log "add-org stopped at step ${ADD_ORG_STEP:-0}: the channel configuration is unchanged, so the network is as it was (the new org's CA may still run: 'network.sh down' stops it). Run add-org again to retry." ;;
    *) log "add-org stopped at step $ADD_ORG_STEP: the org is (or may already be) in the channel configuration; run the same add-org command again to complete the remaining steps (each finished step is skipped)." ;;
  esac
}

# Step 1: the org's CA and identities (add-org/<name>/enrolled once done). The org is recorded in
# orgs.added, for every later network.sh, only once it is in the channel (step 2).
add_org_identities() {
  local name=$1 msp=$2
  ADD_ORG_STEP="1/7 identities from ca.$name"
  if [ -z "${MSP[$name]:-}" ]; then
    [ "${#ORGS[@]}" -lt "$MAX_ORGS" ] || die "this network's port layout holds $MAX_ORGS member orgs; it has ${#ORGS[@]}"
    ORGS+=("$name"); MSP[$name]=$msp; CA_ORGS=("${ORGS[@]}" orderer)
  fi
  if ! proc_alive "ca.$name"; then
    require_free_port "$(ca_port "$name")" "ca.$name"; require_free_port $(( $(ca_port "$name") + 1 )) "ca.$name operations"
    require_free_port "$(peer_port "$name")" "peer0.$name"
  fi
  ca_server_start "$(ca_home "$name")" "$name.$DOMAIN" "$(ca_port "$name")" "$PIDS" "$LOGS/ca.$name.log"
  ca_wait_ready "$(ca_home "$name")" 120
  [ -f "$WORK/add-org/$name/enrolled" ] && return 0
  log "enrolling the peer, admin and users of $msp at ca.$name"
  enroll_org "$name"
  mkdir -p "$WORK/add-org/$name"; touch "$WORK/add-org/$name/enrolled"
  ADD_ORG_CHANGED=1
}

# The spec as AdmitMember takes it (JSON).
add_org_spec() {  # msp roles zones represents
  jq -cn --arg m "$1" --arg r "$2" --arg z "$3" --arg p "$4" \
    '{mspId: $m, roles: ($r | split(",") | map(select(. != ""))), zones: ($z | split(",") | map(select(. != ""))), represents: ($p | split(",") | map(select(. != "")))}'
}

# Before anything irreversible: a member already admitted must match the spec asked for, and a new
# one must pass the consortium chaincode's own checks (AdmitMember simulated as a founder's admin,
# nothing committed), so that a spec governance would refuse never leaves an org in the channel
# without a role.
add_org_check_spec() {
  local name=$1 msp=$2 roles=$3 zones=$4 represents=$5 ch=grid out spec first err
  ADD_ORG_STEP="0/7 checking the admission of $msp"
  first=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
  err=$(mktemp)
  out=$(peer_cli_env "$first" admin; peer chaincode query -C "$ch" -n consortium -c '{"Args":["GetConsortium"]}' 2>"$err") \
    || { cat "$err" >&2; rm -f "$err"; die "could not read the consortium from the ledger"; }
  spec=$(add_org_spec "$msp" "$roles" "$zones" "$represents")
  local have
  have=$(jq -c --arg m "$msp" '.members[] | select(.mspId == $m) | {mspId, roles: (.roles | sort), zones: (.zones | sort), represents: (.represents | sort)}' <<<"$out")
  if [ -n "$have" ]; then
    rm -f "$err"
    [ "$have" = "$(jq -c '{mspId, roles: (.roles | sort), zones: (.zones | sort), represents: (.represents | sort)}' <<<"$spec")" ] \
      || die "$msp is already a member as $have, not as asked ($spec): change its roles with governance ('flexledger consortium grant|withdraw|zones|represent'), then 'network.sh collections'"
    return 0
  fi
  if ! (peer_cli_env "$first" admin; peer chaincode query -C "$ch" -n consortium -c "$(jq -cn --arg s "$spec" '{Args: ["AdmitMember", $s]}')") >/dev/null 2>"$err"; then
    sed -n 's/.*\(BAD_REQUEST\|BAD_JSON\|CONFLICT\|ALREADY_EXISTS\|INVALID_STATE\|ACCESS_DENIED\): */\1: /p' "$err" | head -1 >&2
    rm -f "$err"
    die "the consortium would not admit $msp as $spec (see above): nothing was changed"
  fi
  rm -f "$err"
}

# Step 2: the org in CHANNEL's configuration, by an update a majority of the members' admins sign.
add_org_channel() {
  local name=$1 ch=$2 msp=${MSP[$1]} tmp
  ADD_ORG_STEP="2/7 $msp into the configuration of channel '$ch'"
  local first; first=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
  tmp=$(mktemp -d "$WORK/channel-artifacts/add-$name.XXXXXX")
  fetch_channel_config "$first" "$ch" "$tmp" >/dev/null
  if jq -e --arg m "$msp" '.channel_group.groups.Application.groups[$m]' "$tmp/config.json" >/dev/null; then
    rm -rf "$tmp"
    add_org_record "$name" "$msp" "$ch"
    return 0
  fi
  # The org's definition (MSP with NodeOUs, policies, anchor peer) from the same template as the founders'.
  mkdir -p "$tmp/cfg"
  cat > "$tmp/cfg/configtx.yaml" <<EOF
Organizations:
  - Name: $msp
    ID: $msp
    MSPDir: $(org_dir "$name")/msp
    Policies:
      Readers:     { Type: Signature, Rule: "OR('$msp.admin', '$msp.peer', '$msp.client')" }
      Writers:     { Type: Signature, Rule: "OR('$msp.admin', '$msp.client')" }
      Admins:      { Type: Signature, Rule: "OR('$msp.admin')" }
      Endorsement: { Type: Signature, Rule: "OR('$msp.peer')" }
    AnchorPeers:
      - { Host: 127.0.0.1, Port: $(peer_port "$name") }
EOF
  configtxgen -configPath "$tmp/cfg" -printOrg "$msp" > "$tmp/org.json" 2>>"$LOGS/configtxgen.log" \
    || die "configtxgen could not print $msp's definition; see $LOGS/configtxgen.log"
  # The org's group, and its principals appended to the member policies (decision 0010's ACLs and
  # the chaincodes' AnyTwoMembers endorsement policy).
  jq --arg m "$msp" --argjson port "$(peer_port "$name")" --slurpfile org "$tmp/org.json" '
    def extend($p; $roles):
      if .channel_group.groups.Application.policies[$p] == null then error("the channel has no policy " + $p + " (a network made by an older network.sh)") else . end
      | .channel_group.groups.Application.policies[$p].policy.value |= (
          (.identities | length) as $n
          | .identities += [$roles[] | {principal: {msp_identifier: $m, role: .}, principal_classification: "ROLE"}]
          | .rule.n_out_of.rules += [range($n; $n + ($roles | length)) | {signed_by: .}]);
    .channel_group.groups.Application.groups[$m] = $org[0]
    | .channel_group.groups.Application.groups[$m].values.AnchorPeers =
        {mod_policy: "Admins", value: {anchor_peers: [{host: "127.0.0.1", port: $port}]}, version: "0"}
    | extend("MemberWriters"; ["ADMIN", "CLIENT"])
    | extend("MemberReaders"; ["ADMIN", "PEER", "CLIENT"])
    | extend("AnyTwoMembers"; ["PEER"])' "$tmp/config.json" > "$tmp/modified.json" || die "could not edit the config of '$ch'"
  config_update_envelope "$ch" "$tmp"
  # MAJORITY Admins: more than half of the channel's member orgs sign; the last one submits.
  local members=(${CHANNEL_ORGS[$ch]}) needed i signers=()
  needed=$(( ${#members[@]} / 2 + 1 ))
  for i in $(seq 0 $((needed - 2))); do
    (peer_cli_env "${members[$i]}" admin; peer channel signconfigtx -f "$tmp/envelope.pb") >>"$LOGS/admin.log" 2>&1 \
      || die "${MSP[${members[$i]}]}'s admin could not sign the config update; see $LOGS/admin.log"
    signers+=("${MSP[${members[$i]}]}")
  done
  local submitter=${members[$((needed - 1))]} before
  before=$(jq -r '.header.number' "$tmp/block.json")
  signers+=("${MSP[$submitter]}")
  log "channel '$ch': adding $msp, the config update signed by the admins of ${signers[*]} ($needed of ${#members[@]} members)"
  ADD_ORG_IN_CHANNEL=1
  (peer_cli_env "$submitter" admin
   peer channel update -f "$tmp/envelope.pb" -c "$ch" -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)") >"$tmp/update.log" 2>&1 \
    || { cat "$tmp/update.log" >&2; ADD_ORG_IN_CHANNEL=0; die "the config update of '$ch' was refused"; }
  cat "$tmp/update.log" >> "$LOGS/admin.log"
  # The orderer accepted the update; its block follows within a batch timeout.
  local num i
  for i in $(seq 1 60); do
    num=$(fetch_channel_config "$first" "$ch" "$tmp")
    [ "$num" -gt "$before" ] && break
    sleep 1
  done
  [ "$num" -gt "$before" ] && jq -e --arg m "$msp" '.channel_group.groups.Application.groups[$m]' "$tmp/config.json" >/dev/null \
    || die "the newest config block of '$ch' (block $num) does not carry $msp"
  wait_channel_height "$ch" "$num"
  add_org_record "$name" "$msp" "$ch"
  rm -rf "$tmp"
  log "channel '$ch': config block $num with $msp committed on every member's peer"
  ADD_ORG_CHANGED=1
}

# The org is in CHANNEL's configuration: every later network.sh knows it (orgs.added).
add_org_record() {  # name msp channel
  ADD_ORG_IN_CHANNEL=1
  grep -q "^$1 " "$ADDED_ORGS_FILE" 2>/dev/null || echo "$1 $2" >> "$ADDED_ORGS_FILE"
  [[ " ${CHANNEL_ORGS[$3]} " == *" $1 "* ]] || CHANNEL_ORGS[$3]+=" $1"
}

# Step 3: the org's peer, joined to grid from its genesis block and caught up with the others.
add_org_peer() {
  local name=$1 ch=grid first target i height
  ADD_ORG_STEP="3/7 peer0.$name joins '$ch'"
  if ! proc_alive "peer0.$name"; then start_peer "$name"; ADD_ORG_CHANGED=1; fi
  wait_healthy "peer0.$name" "$(peer_ops "$name")"
  wait_peer_serving "$name"
  if ! (peer_cli_env "$name"; peer channel getinfo -c "$ch" >/dev/null 2>&1); then
    log "peer0.$name joins channel '$ch' from its genesis block"
    (peer_cli_env "$name" admin; retry 5 peer channel join -b "$WORK/channel-artifacts/$ch.block") >>"$LOGS/admin.log" 2>&1 \
      || die "peer0.$name could not join '$ch'; see $LOGS/admin.log"
    ADD_ORG_CHANGED=1
  fi
  first=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
  target=$(peer_cli_env "$first"; peer channel getinfo -c "$ch" 2>/dev/null | sed -nE 's/.*"height":([0-9]+).*/\1/p') \
    || die "could not read the height of '$ch' from peer0.$first"
  for i in $(seq 1 600); do
    # Just after the join the peer may not answer for the channel yet: keep asking.
    height=$(peer_cli_env "$name"; peer channel getinfo -c "$ch" 2>/dev/null | sed -nE 's/.*"height":([0-9]+).*/\1/p') || height=
    [ -n "$height" ] && [ "$height" -ge "$target" ] && break
    [ $((i % 20)) = 1 ] && log "peer0.$name catching up on '$ch': block ${height:-0} of $target"
    [ "$i" = 600 ] && die "peer0.$name did not catch up with '$ch' within 5 minutes (height ${height:-unknown} of $target); see $LOGS/peer0.$name.log"
    sleep 0.5
  done
  log "peer0.$name has every block of '$ch' (height $target)"
}

# Step 4: the org's chaincode servers and packages; the committed definitions approved for the org
# (energy's is approved at its next sequence in step 6 when the collections change).
add_org_chaincodes() {
  local name=$1 ch=grid cc pkgid
  ADD_ORG_STEP="4/7 chaincodes for ${MSP[$name]}"
  for cc in "${CHAINCODES[@]}"; do
    [[ " ${CC_CHANNELS[$cc]} " == *" $ch "* ]] || continue
    cc_package "$cc" "$name"
    if ! proc_alive "cc-$cc-$name"; then start_chaincode "$cc" "$name"; ADD_ORG_CHANGED=1; fi
  done
  for cc in "${CHAINCODES[@]}"; do
    [[ " ${CC_CHANNELS[$cc]} " == *" $ch "* ]] || continue
    wait_listening "cc-$cc-$name" "$(cc_port "$cc" "$name")"
    pkgid=$(cat "$(cc_dir "$cc" "$name")/package-id")
    if ! grep -qF "$pkgid" <<<"$(peer_cli_env "$name"; peer lifecycle chaincode queryinstalled 2>/dev/null || true)"; then
      log "installing '$cc' on peer0.$name"
      retry 3 cc_install "$name" "$cc" || die "installing $cc on peer0.$name failed; see $LOGS/admin.log"
      ADD_ORG_CHANGED=1
    fi
    if ! cc_approved "$name" "$cc" "$ch"; then
      log "approving '$cc' on '$ch' (sequence $(cc_sequence "$cc" "$ch")) for ${MSP[$name]}"
      retry 5 cc_approve "$name" "$cc" "$ch" "$pkgid" "${CC_POLICY[$cc/$ch]}" \
        || die "approving $cc on $ch for $name failed; see $LOGS/admin.log"
      ADD_ORG_CHANGED=1
    fi
  done
}

# Step 5: the consortium's majority admits the org: each member's admin votes AdmitMember until
# the ballot applies (decision 0013).
add_org_admit() {
  local name=$1 msp=$2 roles=$3 zones=$4 represents=$5 ch=grid spec ctor org peers=() out
  ADD_ORG_STEP="5/7 governance admits $msp"
  local first; first=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
  out=$(peer_cli_env "$first" admin; peer chaincode query -C "$ch" -n consortium -c '{"Args":["GetConsortium"]}' 2>>"$LOGS/admin.log") \
    || die "could not read the consortium from the ledger; see $LOGS/admin.log"
  if jq -e --arg m "$msp" '.members[] | select(.mspId == $m)' <<<"$out" >/dev/null; then return 0; fi
  spec=$(add_org_spec "$msp" "$roles" "$zones" "$represents")
  ctor=$(jq -cn --arg s "$spec" '{Args: ["AdmitMember", $s]}')
  for org in ${CHANNEL_ORGS[$ch]}; do
    peers+=(--peerAddresses "127.0.0.1:$(peer_port "$org")" --tlsRootCertFiles "$(peer_tlsca "$org")")
  done
  for org in ${CHANNEL_ORGS[$ch]}; do
    [ "$org" = "$name" ] && continue
    log "${MSP[$org]}'s admin votes to admit $msp ($spec)"
    retry 3 consortium_invoke "$org" "$ch" "$ctor" "${peers[@]}" || die "${MSP[$org]}'s vote to admit $msp failed; see $LOGS/admin.log"
    out=$(peer_cli_env "$org" admin; retry 10 peer chaincode query -C "$ch" -n consortium -c '{"Args":["GetConsortium"]}' 2>/dev/null) || true
    if jq -e --arg m "$msp" '.members[] | select(.mspId == $m)' <<<"$out" >/dev/null 2>&1; then
      log "the consortium admitted $msp (version $(jq -r '.version' <<<"$out"))"
      ADD_ORG_CHANGED=1
      return 0
    fi
  done
  die "every member voted to admit $msp but the consortium did not apply it; see $LOGS/admin.log"
}

# Step 6: chaincode-energy's collections regenerated from the consortium on the ledger; a changed
# set is a new definition sequence, approved by every org of the channel and committed.
add_org_collections() {
  local ch=grid cc=energy org seq next current peers=() tmp
  ADD_ORG_STEP="6/7 chaincode-energy's collections follow the consortium"
  current=$(cc_collections_file "$cc" "$ch")
  next="$current.next"
  tmp="$WORK/chaincode/$cc/consortium-$ch.json"
  local first; first=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
  (peer_cli_env "$first" admin; peer chaincode query -C "$ch" -n consortium -c '{"Args":["GetConsortium"]}') > "$tmp" 2>>"$LOGS/admin.log" \
    || die "could not read the consortium from the ledger"
  # A run that stopped between committing a new sequence and recording it: record it now (the
  # collections it committed are in .next until moved).
  local committed; committed=$(cc_committed_sequence "$cc" "$ch")
  if [ "$committed" -gt "$(cc_sequence "$cc" "$ch")" ]; then
    if [ -f "$next" ]; then mv "$next" "$current"; fi
    echo "$committed" > "$WORK/chaincode/$cc/sequence-$ch"
    cc_definition "$cc" "$ch" > "$WORK/chaincode/$cc/definition-$ch"
  fi
  java -cp "$(cc_jar "$cc")" energy.flexledger.chaincode.energy.Collections "$tmp" > "$next" \
    || die "could not generate chaincode-energy's collections from the consortium on the ledger ($tmp)"
  if cmp -s <(jq -S . "$next") <(jq -S . "$current"); then
    rm -f "$next"
    return 0
  fi
  seq=$(( $(cc_committed_sequence "$cc" "$ch") + 1 ))
  log "chaincode-energy's collections change with the consortium ($(jq -r 'map(.name) | join(", ")' "$next")): definition sequence $seq"
  for org in ${CHANNEL_ORGS[$ch]}; do
    log "approving '$cc' on '$ch' sequence $seq for ${MSP[$org]}"
    retry 5 cc_approve "$org" "$cc" "$ch" "$(cat "$(cc_dir "$cc" "$org")/package-id")" "${CC_POLICY[$cc/$ch]}" "$seq" "$next" force \
      || die "approving $cc sequence $seq on $ch for $org failed; see $LOGS/admin.log"
    peers+=(--peerAddresses "127.0.0.1:$(peer_port "$org")" --tlsRootCertFiles "$(peer_tlsca "$org")")
  done
  retry 5 cc_commit "$cc" "$ch" "${CC_POLICY[$cc/$ch]}" "$seq" "$next" "${peers[@]}" \
    || die "committing $cc sequence $seq on $ch failed; see $LOGS/admin.log"
  echo "$seq" > "$WORK/chaincode/$cc/sequence-$ch"
  mv "$next" "$current"
  cc_definition "$cc" "$ch" > "$WORK/chaincode/$cc/definition-$ch"
  log "'$cc' on '$ch' committed at sequence $seq with the regenerated collections"
  ADD_ORG_CHANGED=1
}
