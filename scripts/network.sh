#!/usr/bin/env bash
# The local FlexLedger network: real Hyperledger Fabric nodes (one Raft orderer, one peer per actor)
# and the Java chaincodes as services, all as native processes under one work folder.
#
#   scripts/network.sh up        start everything; create channels and deploy chaincodes when new
#   scripts/network.sh status    exit 0 only when every node and chaincode answers
#   scripts/network.sh down      stop exactly the processes `up` started (by their recorded PIDs)
#   scripts/network.sh down --purge   ... and delete the work folder (ledgers, crypto, logs)
#   scripts/network.sh env ORG [admin|user|device|client|spare]   print shell exports for the peer CLI as ORG
#   scripts/network.sh revoke ORG NAME   revoke ORG's identity NAME (e.g. User4) at ORG's Fabric CA and put
#                                        the CRL into every channel ORG is in (peers then refuse it)
#   scripts/network.sh add-org NAME --role ROLE [--zones Z,..] [--represents MSP,..] [--msp ID]
#                                        add a member org to the running network (channel config update
#                                        signed by a majority of admins, its peer, chaincodes, governance)
#   scripts/network.sh collections       energy's collections again from the consortium on the ledger; a new
#                                        definition sequence when they changed (after a governance change)
#   scripts/network.sh enroll ORG NAME [ASSET]   register and enroll a device identity at ORG's CA (JSON)
#   scripts/network.sh revoke-device ORG NAME    revoke it as `revoke` does (JSON); devices ORG lists them
#   scripts/network.sh gateway ORG       start ORG's member gateway (REST API, dashboard, replica) as a node of
#                                        this network; `down` stops it
#
# Environment:
#   FLEXLEDGER_WORK       work folder (default: <repo>/work/network; git ignores it)
#   FLEXLEDGER_BASE_PORT  first port (default 17000); see `ports` below for the layout
#   FLEXLEDGER_CACHE      where install-fabric.sh and install-fabric-ca.sh keep Fabric and Fabric CA
#                         (default ~/.cache/flexledger)
set -euo pipefail
FLEXLEDGER_SCRIPT=network
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ca.sh"
# shellcheck source=lib/add-org.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/add-org.sh"

# Absolute and without symlinks: nodes resolve paths from their own folders, and process
# ownership is checked against the kernel's view of each process's working folder.
WORK=$(realpath -m "${FLEXLEDGER_WORK:-$FLEXLEDGER_ROOT/work/network}")
BASE_PORT="${FLEXLEDGER_BASE_PORT:-17000}"
MARKER="$WORK/.flexledger-network"   # written by `up`; `down --purge` deletes only folders that have it
DOMAIN=flexledger.local

ORGS=(dso aggregator community cpo)
declare -A MSP=([dso]=DsoMSP [aggregator]=AggregatorMSP [community]=CommunityMSP [cpo]=CpoMSP)
CHANNELS=(grid community)
declare -A CHANNEL_PROFILE=([grid]=Grid [community]=Community)
declare -A CHANNEL_ORGS=([grid]="dso aggregator community cpo" [community]="aggregator community")
FOUNDERS=("${ORGS[@]}")
# Members added to the running network by `add-org` (decision 0015): one line each, "name mspId",
# written once the channel config update that adds the org has committed. Later `up`, `down`,
# `status` and `env` treat it like a founder.
ADDED_ORGS_FILE="$WORK/orgs.added"
if [ -f "$ADDED_ORGS_FILE" ]; then
  while read -r _name _msp _rest; do
    [ -n "$_name" ] && [ -z "${MSP[$_name]:-}" ] || continue
    ORGS+=("$_name"); MSP[$_name]=$_msp
    CHANNEL_ORGS[grid]+=" $_name"
  done < "$ADDED_ORGS_FILE"
fi

# Chaincodes: which channels they serve and the endorsement policy on each (network-config/README.md).
# A policy that starts with /Channel/ names a channel policy: the consortium's governance is the
# channel's MAJORITY Endorsement, which follows the channel's member orgs as they change.
CHAINCODES=(consortium energy dr market)
declare -A CC_CHANNELS=([consortium]="grid community" [energy]="grid" [dr]="grid" [market]="grid community")
# The others name the channel's AnyTwoMembers policy (the peers of any two member orgs, kept in the
# channel configuration, network-config/configtx.yaml), which add-org extends with the new org.
declare -A CC_POLICY=(
  [consortium/grid]="/Channel/Application/Endorsement"
  [consortium/community]="/Channel/Application/Endorsement"
  [energy/grid]="/Channel/Application/AnyTwoMembers"
  [dr/grid]="/Channel/Application/AnyTwoMembers"
  [market/grid]="/Channel/Application/AnyTwoMembers"
  [market/community]="/Channel/Application/AnyTwoMembers"
)
CC_VERSION=1
# A definition's sequence starts at 1; add-org raises energy's when the collections change.
cc_sequence() { cat "$WORK/chaincode/$1/sequence-$2" 2>/dev/null || echo 1; }  # cc channel
# Each org runs its own server of each chaincode (as on separate hosts): twelve JVMs, kept small
# (about 130 MiB resident each; Netty's buffer pools limited to one arena).
CC_JAVA_OPTS="${FLEXLEDGER_CC_JAVA_OPTS:--Xms8m -Xmx64m -Xss256k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 \
-XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=96m \
-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1 -Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1}"
# dr and market hold whole settlements and clearings in memory (100 participants' 45 days of
# averages, 10,000 orders and a clearing record of megabytes): a larger ceiling for them only
# (the last -Xmx wins; resident memory grows only as far as it is used). FLEXLEDGER_CC_JAVA_OPTS, when set,
# is taken as it is; FLEXLEDGER_CC_LARGE_HEAP= (empty) keeps their ceiling at the others'.
cc_heap() { [ -n "${FLEXLEDGER_CC_JAVA_OPTS:-}" ] && return 0; case $1 in dr|market) echo "${FLEXLEDGER_CC_LARGE_HEAP--Xmx256m}" ;; esac; }

# ---------------------------------------------------------------------------- layout

org_index() { local i; for i in "${!ORGS[@]}"; do [ "${ORGS[$i]}" = "$1" ] && { echo "$i"; return; }; done; die "unknown org '$1' (known: ${ORGS[*]})"; }
orderer_port()     { echo $((BASE_PORT + 50)); }
orderer_admin()    { echo $((BASE_PORT + 51)); }
orderer_ops()      { echo $((BASE_PORT + 52)); }
peer_port()        { echo $((BASE_PORT + 100 + 10 * $(org_index "$1"))); }
peer_cc_port()     { echo $(( $(peer_port "$1") + 1 )); }
peer_ops()         { echo $(( $(peer_port "$1") + 2 )); }
gateway_port()     { echo $((BASE_PORT + 400 + 10 * $(org_index "$1"))); }  # its HTTP API and dashboard; +1 MQTT broker, +2 OCPP
cc_index()         { case "$1" in energy) echo 0;; dr) echo 1;; market) echo 2;; consortium) echo 3;; esac; }
cc_port()          { echo $((BASE_PORT + 200 + 10 * $(cc_index "$1") + $(org_index "$2"))); }  # cc org
# The Fabric CA server of each org (ca.<org>: identity CA and TLS CA in one process), operations +1;
# the orderer org's comes before the members' (up to ten members: 300..391).
CA_ORGS=("${ORGS[@]}" orderer)
MAX_ORGS=10
ca_port()          { if [ "$1" = orderer ]; then echo $((BASE_PORT + 290)); else echo $((BASE_PORT + 300 + 10 * $(org_index "$1"))); fi; }
ca_home()          { echo "$WORK/ca/$1"; }

CRYPTO="$WORK/crypto"
orderer_dir()   { echo "$CRYPTO/ordererOrganizations/orderer.$DOMAIN/orderers/orderer0.orderer.$DOMAIN"; }
orderer_tlsca() { echo "$CRYPTO/ordererOrganizations/orderer.$DOMAIN/tlsca/tlsca.orderer.$DOMAIN-cert.pem"; }
orderer_admin_tls() { echo "$CRYPTO/ordererOrganizations/orderer.$DOMAIN/users/Admin@orderer.$DOMAIN/tls"; }
org_dir()       { echo "$CRYPTO/peerOrganizations/$1.$DOMAIN"; }
peer_dir()      { echo "$(org_dir "$1")/peers/peer0.$1.$DOMAIN"; }
peer_tlsca()    { echo "$(peer_dir "$1")/tls/ca.crt"; }
# Identities of an org: admin; user (User1, the org's gateway identity); device (User2, bound to
# assets); client (User3, any other client of the org); spare (User4, a spare device, for instance
# the one a test revokes).
IDENTITIES=(user admin device client spare)
user_msp() {
  case "${2:-admin}" in
    admin)  echo "$(org_dir "$1")/users/Admin@$1.$DOMAIN/msp" ;;
    user)   echo "$(org_dir "$1")/users/User1@$1.$DOMAIN/msp" ;;
    device) echo "$(org_dir "$1")/users/User2@$1.$DOMAIN/msp" ;;
    client) echo "$(org_dir "$1")/users/User3@$1.$DOMAIN/msp" ;;
    spare)  echo "$(org_dir "$1")/users/User4@$1.$DOMAIN/msp" ;;
    *) die "unknown identity '$2': admin, user, device, client or spare" ;;
  esac
}

FABRIC_HOME=""
fabric() {
  if [ -z "$FABRIC_HOME" ]; then
    FABRIC_HOME=$("$FLEXLEDGER_ROOT/scripts/install-fabric.sh")
    export PATH="$FABRIC_HOME/bin:$PATH"
  fi
}

# Environment for the peer CLI acting as ORG's admin (or user); prints nothing.
peer_cli_env() {
  local org=$1 who=${2:-admin}
  export FABRIC_CFG_PATH="$FABRIC_HOME/config"
  export CORE_PEER_LOCALMSPID="${MSP[$org]}"
  export CORE_PEER_MSPCONFIGPATH; CORE_PEER_MSPCONFIGPATH=$(user_msp "$org" "$who")
  export CORE_PEER_ADDRESS; CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org")"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_TLS_ROOTCERT_FILE; CORE_PEER_TLS_ROOTCERT_FILE=$(peer_tlsca "$org")
  export FABRIC_LOGGING_SPEC=warning
}

# ---------------------------------------------------------------------------- processes

PIDS="$WORK/pids"
LOGS="$WORK/logs"

# A recorded process is ours while it runs in the folder we started it in: this survives PID reuse.
proc_alive() {
  local name=$1 pid dir
  [ -f "$PIDS/$name.pid" ] || return 1
  read -r pid dir < "$PIDS/$name.pid" || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$dir" ]
}

# start NAME DIR COMMAND... : runs COMMAND in DIR with the current environment, detached, logging to
# logs/NAME.log, and records "PID DIR" in pids/NAME.pid.
start_proc() {
  local name=$1 dir=$2; shift 2
  mkdir -p "$dir" "$PIDS" "$LOGS"
  # 9>&- : the node must not inherit the work folder's lock, or the next `up`/`down` would wait forever.
  (cd "$dir" && exec setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null 9>&-) &
  echo "$! $dir" > "$PIDS/$name.pid"
}

# Stops one recorded process; returns 1 (and keeps its PID file) if it survives SIGKILL. A member
# gateway gets 60 s to drain (requests in flight, its store writer, the replica's block, a last submit).
stop_proc() {
  local name=$1 pid="" dir="" i grace=50
  [[ "$name" == gateway.* ]] && grace=300
  [ -f "$PIDS/$name.pid" ] || return 0
  read -r pid dir < "$PIDS/$name.pid" || true
  if proc_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 "$grace"); do proc_alive "$name" || break; sleep 0.2; done
    if proc_alive "$name"; then
      log "$name (pid $pid) ignored SIGTERM for $((grace / 5))s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 25); do proc_alive "$name" || break; sleep 0.2; done
    fi
    if proc_alive "$name"; then
      log "ERROR: $name (pid $pid) is still running after SIGKILL"
      return 1
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$PIDS/$name.pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  port_free "$1" || die "port $1 (for $2) is already in use by another program. Stop it or choose other ports with FLEXLEDGER_BASE_PORT (now $BASE_PORT)."
}

# Start-up budgets are generous: twelve JVMs and five nodes share two cores while starting.
wait_healthy() {
  local name=$1 port=$2 i
  for i in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    proc_alive "$name" || die "$name exited during start-up; see $LOGS/$name.log"
    sleep 0.5
  done
  die "$name did not become healthy within 120s; see $LOGS/$name.log"
}

# /healthz answers before the peer's gRPC service accepts requests: also wait for the peer CLI.
wait_peer_serving() {
  local org=$1 i
  for i in $(seq 1 120); do
    if (peer_cli_env "$org"; timeout 10 peer channel list >/dev/null 2>&1); then return 0; fi
    proc_alive "peer0.$org" || die "peer0.$org exited during start-up; see $LOGS/peer0.$org.log"
    sleep 0.5
  done
  die "peer0.$org did not serve requests within 60s; see $LOGS/peer0.$org.log"
}

# The orderer serves a channel once Raft has a leader for it (seconds after a start): until then
# it answers SERVICE_UNAVAILABLE to deliveries and broadcasts.
#
# Seen once in the test suite (NetworkRestartIT, Fabric 2.5.0): after a restart the single-node
# Raft chain of one channel replayed its WAL but never applied its entries (no voters, no leader,
# nothing logged), while the other channel started; a second start of the orderer served both.
# So a channel not served within 60s gets one restart of orderer0 (ours, by its recorded PID),
# said in the log, before giving up.
wait_channels_ordered() {
  local retried=${1:-0} ch org i
  for ch in "${CHANNELS[@]}"; do
    org=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
    for i in $(seq 1 120); do
      if (peer_cli_env "$org"; timeout 10 peer channel fetch newest "$WORK/channel-artifacts/.probe.block" -c "$ch" \
            -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)" >/dev/null 2>&1); then
        continue 2
      fi
      sleep 0.5
    done
    [ "$retried" = 0 ] || die "the orderer did not serve channel '$ch' within 60s, also after a restart; see $LOGS/orderer0.log"
    log "WARNING: orderer0 did not serve channel '$ch' within 60s (its Raft chain did not start); restarting orderer0 once"
    stop_proc orderer0 || die "could not stop orderer0; see $LOGS/orderer0.log"
    start_orderer
    wait_healthy orderer0 "$(orderer_ops)"
    wait_channels_ordered 1
    return 0
  done
  rm -f "$WORK/channel-artifacts/.probe.block"
}

# Endorsement plans need every peer to know the others of each channel. After a restart that takes
# a few gossip rounds; the peers' metrics tell when it is done.
wait_gossip() {
  local org ch want known i
  for org in "${ORGS[@]}"; do
    for ch in "${CHANNELS[@]}"; do
      [[ " ${CHANNEL_ORGS[$ch]} " == *" $org "* ]] || continue
      want=$(( $(wc -w <<<"${CHANNEL_ORGS[$ch]}") - 1 ))
      for i in $(seq 1 180); do
        known=$(curl -fsS "http://127.0.0.1:$(peer_ops "$org")/metrics" 2>/dev/null \
          | awk -v ch="$ch" 'index($0, "gossip_membership_total_peers_known{channel=\"" ch "\"}") == 1 { print $2 }')
        [ -n "$known" ] && [ "${known%.*}" -ge "$want" ] && break
        [ "$i" = 1 ] && log "waiting for peer0.$org to see the other $want peer(s) of '$ch' (gossip)"
        [ "$i" = 180 ] && die "peer0.$org still sees ${known:-no} peers of '$ch' after 90s; see $LOGS/peer0.$org.log"
        sleep 0.5
      done
    done
  done
}

# retry ATTEMPTS COMMAND...: for admin steps that fail while Raft elects a leader or a peer catches up.
retry() {
  local attempts=$1 i; shift
  for i in $(seq 1 "$attempts"); do
    "$@" && return 0
    [ "$i" -lt "$attempts" ] && sleep 2
  done
  return 1
}

wait_listening() {
  local name=$1 port=$2 i
  for i in $(seq 1 240); do
    port_free "$port" || return 0
    proc_alive "$name" || die "$name exited during start-up; see $LOGS/$name.log"
    sleep 0.5
  done
  die "$name did not listen on port $port within 120s; see $LOGS/$name.log"
}

# ---------------------------------------------------------------------------- crypto and channels

# Crypto material from Fabric CA (docs/decisions/0012-fabric-ca.md): one CA server per org (ca.<org>,
# identity CA and TLS CA in one process, its keys and database in <work>/ca/<org>), enrolling into
# crypto/ in cryptogen's layout. On every `up` the CAs are (re)started; identities already enrolled
# are left alone, missing ones (e.g. an identity added to this list) are enrolled.
start_cas() {
  local org
  for org in "${CA_ORGS[@]}"; do
    if ! proc_alive "ca.$org"; then
      require_free_port "$(ca_port "$org")" "ca.$org"; require_free_port $(( $(ca_port "$org") + 1 )) "ca.$org operations"
    fi
    ca_server_start "$(ca_home "$org")" "$org.$DOMAIN" "$(ca_port "$org")" "$PIDS" "$LOGS/ca.$org.log"
  done
  for org in "${CA_ORGS[@]}"; do ca_wait_ready "$(ca_home "$org")" 120; done
}

# The identities of one org, one after the other (they share the org's CA server and its client homes).
enroll_org() {
  local org=$1 home dir
  home=$(ca_home "$org")
  ca_enroll_admin "$home"
  if [ "$org" = orderer ]; then
    dir="$CRYPTO/ordererOrganizations/orderer.$DOMAIN"
    ca_org_msp "$home" "$dir"
    ca_orderer "$home" "$dir" orderer0
    ca_user "$home" "$dir" Admin admin
  else
    dir=$(org_dir "$org")
    ca_org_msp "$home" "$dir"
    ca_peer "$home" "$dir" peer0
    ca_user "$home" "$dir" Admin admin
    ca_user "$home" "$dir" User1 client   # user: the org's gateway (client app)
    ca_user "$home" "$dir" User2 client   # device: bound to assets by its identity id
    ca_user "$home" "$dir" User3 client   # client: any other client of the org
    ca_user "$home" "$dir" User4 client   # spare: a spare device (RevocationIT revokes community's)
  fi
}

generate_crypto() {
  if [ -d "$CRYPTO" ] && [ ! -d "$WORK/ca" ]; then
    die "$CRYPTO was made by cryptogen (an older network.sh); identities now come from Fabric CA and a ledger does not carry over: start from scratch with 'scripts/network.sh down --purge' (nothing was started)"
  fi
  start_cas
  local org pids=() failed=0 t0; t0=$(date +%s)
  [ -f "$CRYPTO/.enrolled" ] || log "enrolling peers, orderer, admins and users of ${CA_ORGS[*]} at their Fabric CAs (one org per job)"
  # One job per org: each talks to its own CA server, so they do not share any client home.
  for org in "${CA_ORGS[@]}"; do ( enroll_org "$org" ) & pids+=("$!"); done
  for org in "${pids[@]}"; do wait "$org" || failed=1; done
  [ "$failed" = 0 ] || die "enrolling identities at the Fabric CAs failed (see above; CA logs in $LOGS/ca.*.log)"
  [ -f "$CRYPTO/.enrolled" ] || { touch "$CRYPTO/.enrolled"; log "identities enrolled in $(( $(date +%s) - t0 ))s"; }
}

render_configtx() {
  local out="$WORK/configtx.yaml"
  sed -e "s/__ORDERER_PORT__/$(orderer_port)/g" \
      -e "s/__DSO_PEER_PORT__/$(peer_port dso)/g" \
      -e "s/__AGGREGATOR_PEER_PORT__/$(peer_port aggregator)/g" \
      -e "s/__COMMUNITY_PEER_PORT__/$(peer_port community)/g" \
      -e "s/__CPO_PEER_PORT__/$(peer_port cpo)/g" \
      "$FLEXLEDGER_ROOT/network-config/configtx.yaml" > "$out"
}

channel_blocks() {
  local ch
  mkdir -p "$WORK/channel-artifacts"
  for ch in "${CHANNELS[@]}"; do
    [ -f "$WORK/channel-artifacts/$ch.block" ] && continue
    log "creating the genesis block of channel '$ch' (configtxgen, profile ${CHANNEL_PROFILE[$ch]})"
    FABRIC_CFG_PATH="$WORK" configtxgen -profile "${CHANNEL_PROFILE[$ch]}" -channelID "$ch" \
      -outputBlock "$WORK/channel-artifacts/$ch.block" 2>>"$LOGS/configtxgen.log" \
      || die "configtxgen failed for channel $ch; see $LOGS/configtxgen.log"
  done
}

# ---------------------------------------------------------------------------- nodes

# The environment of the orderer node, one override per line (orderer.yaml keys as ORDERER_*).
orderer_node_env() {
  local d tls node="$WORK/nodes/orderer0"
  d=$(orderer_dir); tls="$d/tls"
  cat <<EOF
FABRIC_CFG_PATH=$FABRIC_HOME/config
FABRIC_LOGGING_SPEC=info
ORDERER_GENERAL_LISTENADDRESS=127.0.0.1
ORDERER_GENERAL_LISTENPORT=$(orderer_port)
ORDERER_GENERAL_LOCALMSPID=OrdererMSP
ORDERER_GENERAL_LOCALMSPDIR=$d/msp
ORDERER_GENERAL_BOOTSTRAPMETHOD=none
ORDERER_GENERAL_TLS_ENABLED=true
ORDERER_GENERAL_TLS_PRIVATEKEY=$tls/server.key
ORDERER_GENERAL_TLS_CERTIFICATE=$tls/server.crt
ORDERER_GENERAL_TLS_ROOTCAS=[$tls/ca.crt]
ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=$tls/server.crt
ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=$tls/server.key
ORDERER_GENERAL_CLUSTER_ROOTCAS=[$tls/ca.crt]
ORDERER_CHANNELPARTICIPATION_ENABLED=true
ORDERER_ADMIN_LISTENADDRESS=127.0.0.1:$(orderer_admin)
ORDERER_ADMIN_TLS_ENABLED=true
ORDERER_ADMIN_TLS_PRIVATEKEY=$tls/server.key
ORDERER_ADMIN_TLS_CERTIFICATE=$tls/server.crt
ORDERER_ADMIN_TLS_ROOTCAS=[$tls/ca.crt]
ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
ORDERER_ADMIN_TLS_CLIENTROOTCAS=[$tls/ca.crt]
ORDERER_OPERATIONS_LISTENADDRESS=127.0.0.1:$(orderer_ops)
ORDERER_METRICS_PROVIDER=prometheus
ORDERER_FILELEDGER_LOCATION=$node/ledger
ORDERER_CONSENSUS_WALDIR=$node/etcdraft/wal
ORDERER_CONSENSUS_SNAPDIR=$node/etcdraft/snap
EOF
}

start_orderer() {
  local node="$WORK/nodes/orderer0" envs=()
  proc_alive orderer0 && return 0
  require_free_port "$(orderer_port)" orderer0; require_free_port "$(orderer_admin)" "orderer0 admin"; require_free_port "$(orderer_ops)" "orderer0 operations"
  mkdir -p "$node/ledger" "$node/etcdraft/wal" "$node/etcdraft/snap"
  mapfile -t envs < <(orderer_node_env)
  log "starting orderer0 on 127.0.0.1:$(orderer_port) (admin $(orderer_admin), operations $(orderer_ops))"
  start_proc orderer0 "$node" env -i "PATH=$PATH" "HOME=$HOME" "${envs[@]}" orderer
}

# The environment of a peer node, one override per line (core.yaml keys as CORE_* variables).
# Private data reconciliation every 5 s (Fabric's default: 1 min), so that an org added to a
# collection (add-org) holds the data written before within seconds; a pass that finds nothing
# missing costs one local lookup.
peer_node_env() {
  local org=$1 d node="$WORK/nodes/peer0.$1"
  d=$(peer_dir "$org")
  cat <<EOF
FABRIC_CFG_PATH=$node/config
FABRIC_LOGGING_SPEC=info:gossip=warning:msp=warning
CORE_PEER_ID=peer0.$org.$DOMAIN
CORE_PEER_ADDRESS=127.0.0.1:$(peer_port "$org")
CORE_PEER_LISTENADDRESS=127.0.0.1:$(peer_port "$org")
CORE_PEER_CHAINCODEADDRESS=127.0.0.1:$(peer_cc_port "$org")
CORE_PEER_CHAINCODELISTENADDRESS=127.0.0.1:$(peer_cc_port "$org")
CORE_PEER_GOSSIP_BOOTSTRAP=127.0.0.1:$(peer_port "$org")
CORE_PEER_GOSSIP_EXTERNALENDPOINT=127.0.0.1:$(peer_port "$org")
CORE_PEER_GOSSIP_USELEADERELECTION=false
CORE_PEER_GOSSIP_ORGLEADER=true
CORE_PEER_GOSSIP_RECONNECTINTERVAL=5s
CORE_PEER_GOSSIP_PVTDATA_RECONCILESLEEPINTERVAL=${FLEXLEDGER_RECONCILE_INTERVAL:-5s}
CORE_PEER_LOCALMSPID=${MSP[$org]}
CORE_PEER_MSPCONFIGPATH=$d/msp
CORE_PEER_TLS_ENABLED=true
CORE_PEER_TLS_CERT_FILE=$d/tls/server.crt
CORE_PEER_TLS_KEY_FILE=$d/tls/server.key
CORE_PEER_TLS_ROOTCERT_FILE=$d/tls/ca.crt
CORE_PEER_FILESYSTEMPATH=$node/data
CORE_LEDGER_SNAPSHOTS_ROOTDIR=$node/snapshots
CORE_LEDGER_STATE_STATEDATABASE=goleveldb
CORE_OPERATIONS_LISTENADDRESS=127.0.0.1:$(peer_ops "$org")
CORE_METRICS_PROVIDER=prometheus
CORE_CHAINCODE_EXTERNALBUILDERS=[{"name":"ccaas","path":"$FLEXLEDGER_ROOT/network-config/ccaas-builder"}]
CORE_CHAINCODE_EXECUTETIMEOUT=30s
CORE_PEER_PROFILE_ENABLED=${FLEXLEDGER_PEER_PROFILE:-false}
CORE_PEER_PROFILE_LISTENADDRESS=127.0.0.1:$(( $(peer_port "$org") + 3 ))
EOF
}

start_peer() {
  local org=$1 name="peer0.$1" node="$WORK/nodes/peer0.$1" envs=()
  proc_alive "$name" && return 0
  require_free_port "$(peer_port "$org")" "$name"; require_free_port "$(peer_cc_port "$org")" "$name chaincode"; require_free_port "$(peer_ops "$org")" "$name operations"
  mkdir -p "$node/data" "$node/snapshots" "$node/config"
  # Fabric's viper ignores an empty CORE_VM_ENDPOINT, so the node's own core.yaml turns Docker off:
  # chaincodes run as services through the external builder, and /healthz must not probe Docker.
  sed -E 's#^(    endpoint:) unix:///var/run/docker.sock#\1 ""#' "$FABRIC_HOME/config/core.yaml" > "$node/config/core.yaml"
  grep -q '^    endpoint: ""' "$node/config/core.yaml" || die "could not disable Docker in $node/config/core.yaml"
  mapfile -t envs < <(peer_node_env "$org")
  log "starting $name (${MSP[$org]}) on 127.0.0.1:$(peer_port "$org") (operations $(peer_ops "$org"))"
  start_proc "$name" "$node" env -i "PATH=$PATH" "HOME=$HOME" "${envs[@]}" peer node start
}

# ---------------------------------------------------------------------------- channels

# Output is captured before grep: with pipefail, `cmd | grep -q` fails at random when grep exits
# early and the command dies of SIGPIPE.
orderer_has_channel() {
  local out
  out=$(osnadmin channel list -o "127.0.0.1:$(orderer_admin)" --ca-file "$(orderer_tlsca)" \
    --client-cert "$(orderer_admin_tls)/client.crt" --client-key "$(orderer_admin_tls)/client.key" 2>/dev/null) || return 1
  grep -q "\"name\": *\"$1\"" <<<"$out"
}

join_channels() {
  local ch org
  for ch in "${CHANNELS[@]}"; do
    if ! orderer_has_channel "$ch"; then
      log "orderer0 joins channel '$ch' (osnadmin)"
      osnadmin channel join --channelID "$ch" --config-block "$WORK/channel-artifacts/$ch.block" \
        -o "127.0.0.1:$(orderer_admin)" --ca-file "$(orderer_tlsca)" \
        --client-cert "$(orderer_admin_tls)/client.crt" --client-key "$(orderer_admin_tls)/client.key" >>"$LOGS/admin.log" 2>&1 \
        || die "osnadmin could not join orderer0 to '$ch'; see $LOGS/admin.log"
    fi
    for org in ${CHANNEL_ORGS[$ch]}; do
      if ! (peer_cli_env "$org"; peer channel getinfo -c "$ch" >/dev/null 2>&1); then
        log "peer0.$org joins channel '$ch'"
        (peer_cli_env "$org"; peer channel join -b "$WORK/channel-artifacts/$ch.block") >>"$LOGS/admin.log" 2>&1 \
          || die "peer0.$org could not join '$ch'; see $LOGS/admin.log"
      fi
    done
  done
}

# ---------------------------------------------------------------------------- chaincodes

cc_jar() { echo "$FLEXLEDGER_ROOT/chaincode-$1/target/chaincode-$1.jar"; }

ensure_jars() {
  local cc missing=()
  for cc in "${CHAINCODES[@]}"; do [ -f "$(cc_jar "$cc")" ] || missing+=("$cc"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "chaincode jars missing (${missing[*]}): building them (mvn -DskipTests package)"
  (cd "$FLEXLEDGER_ROOT" && mvn -B -q -DskipTests package -pl "$(printf 'chaincode-%s,' "${missing[@]}" | sed 's/,$//')" -am) \
    || die "building the chaincodes failed; run 'mvn -DskipTests package' to see why"
}

# A chaincode-as-a-service package: metadata.json + code.tar.gz(connection.json [, META-INF]). Each org gets its
# own package, pointing at its own chaincode server, so its package ID differs from the others'
# (each org approves its own). Built byte for byte reproducibly: the same ID on every run.
cc_dir() { echo "$WORK/chaincode/$1/$2"; }  # cc org

cc_package() {  # cc org
  local cc=$1 org=$2 dir; dir=$(cc_dir "$1" "$2")
  mkdir -p "$dir/src" "$dir/pkg"
  printf '{"address":"127.0.0.1:%s","dial_timeout":"10s","tls_required":false}\n' "$(cc_port "$cc" "$org")" > "$dir/src/connection.json"
  printf '{"type":"ccaas","label":"%s_%s"}\n' "$cc" "$CC_VERSION" > "$dir/pkg/metadata.json"
  # CouchDB index definitions travel in the package, where the peer validates them at install.
  local content=(connection.json)
  rm -rf "$dir/src/META-INF"
  if [ -d "$FLEXLEDGER_ROOT/chaincode-$cc/META-INF" ]; then
    cp -R "$FLEXLEDGER_ROOT/chaincode-$cc/META-INF" "$dir/src/META-INF"
    content+=(META-INF)
  fi
  tar --sort=name --mtime='2026-01-01 00:00Z' --owner=0 --group=0 --numeric-owner --mode='u=rwX,go=rX' -C "$dir/src" -cf - "${content[@]}" \
    | gzip -n > "$dir/pkg/code.tar.gz"
  tar --sort=name --mtime='2026-01-01 00:00Z' --owner=0 --group=0 --numeric-owner -C "$dir/pkg" -cf - metadata.json code.tar.gz | gzip -n > "$dir/$cc.tar.gz"
  FABRIC_CFG_PATH="$FABRIC_HOME/config" peer lifecycle chaincode calculatepackageid "$dir/$cc.tar.gz" > "$dir/package-id" \
    || die "could not compute the package ID of $dir/$cc.tar.gz"
}

cc_orgs() {  # every org that has a channel the chaincode is on, once
  local ch; for ch in ${CC_CHANNELS[$1]}; do echo "${CHANNEL_ORGS[$ch]}"; done | tr ' ' '\n' | awk 'NF && !seen[$0]++'
}

# Every chaincode server as "cc org", one a line.
cc_servers() { local cc org; for cc in "${CHAINCODES[@]}"; do for org in $(cc_orgs "$cc"); do echo "$cc $org"; done; done; }

start_chaincode() {  # cc org
  local cc=$1 org=$2 name="cc-$1-$2" dir pkgid
  proc_alive "$name" && return 0
  dir=$(cc_dir "$cc" "$org")
  pkgid=$(cat "$dir/package-id")
  require_free_port "$(cc_port "$cc" "$org")" "chaincode $cc of $org"
  log "starting chaincode '$cc' for ${MSP[$org]} as a service on 127.0.0.1:$(cc_port "$cc" "$org")"
  # The JVM runs a copy of the jar, so rebuilding the project never pulls classes from under it.
  cp "$(cc_jar "$cc")" "$dir/chaincode.jar"
  # A clean environment: the peer's CORE_PEER_TLS_* must not leak into the shim.
  # shellcheck disable=SC2086
  start_proc "$name" "$dir" env -i "PATH=$PATH" "HOME=$HOME" \
    CHAINCODE_SERVER_ADDRESS="127.0.0.1:$(cc_port "$cc" "$org")" CORE_CHAINCODE_ID_NAME="$pkgid" \
    java $CC_JAVA_OPTS $(cc_heap "$cc") -jar chaincode.jar
}

cc_install() {  # org cc: succeeds when the package is (or already was) installed
  local out
  out=$(peer_cli_env "$1"; peer lifecycle chaincode install "$(cc_dir "$2" "$1")/$2.tar.gz" 2>&1) && { echo "$out" >>"$LOGS/admin.log"; return 0; }
  echo "$out" >>"$LOGS/admin.log"
  grep -q "already successfully installed" <<<"$out"
}

cc_approved() {  # org cc channel [sequence]
  (peer_cli_env "$1"; peer lifecycle chaincode queryapproved -C "$3" -n "$2" --sequence "${4:-$(cc_sequence "$2" "$3")}" >/dev/null 2>&1)
}

# Private data collections of a chaincode on a channel. chaincode-energy's are generated from the
# consortium by the chaincode's own rule (Collections in its jar): at the first deployment from
# network-config/consortium.json, the members that governance admits at bootstrap.
cc_collections_file() {  # cc channel
  if [ "$1" = energy ]; then echo "$WORK/chaincode/energy/collections-$2.json"; else echo "$FLEXLEDGER_ROOT/network-config/collections-$1-$2.json"; fi
}
# Generated from network-config/consortium.json until the first definition is committed; from then
# on from the consortium on the ledger, by `add-org` and `collections` (a new sequence each time).
generate_collections() {
  local out; out=$(cc_collections_file energy grid)
  # Once committed, the collections follow the consortium on the ledger (add-org regenerates them
  # in a new definition sequence); network-config/consortium.json only founded it.
  [ -f "$WORK/chaincode/energy/definition-grid" ] && [ -f "$out" ] && return 0
  mkdir -p "$(dirname "$out")"
  java -cp "$(cc_jar energy)" energy.flexledger.chaincode.energy.Collections "$FLEXLEDGER_ROOT/network-config/consortium.json" > "$out.tmp" \
    || die "could not generate chaincode-energy's collections from network-config/consortium.json"
  mv "$out.tmp" "$out"
}
# --signature-policy EXPR or --channel-config-policy /Channel/...
policy_args() { case "$1" in /Channel/*) echo "--channel-config-policy $1";; *) echo "--signature-policy $1";; esac; }
# What a definition consists of, as recorded after commit: version, sequence, policy, collections.
cc_definition() {  # cc channel
  local f d="$CC_VERSION $(cc_sequence "$1" "$2") ${CC_POLICY[$1/$2]}"
  f=$(cc_collections_file "$1" "$2")
  if [ -f "$f" ]; then d+=" collections:$(sha256sum "$f" | cut -c1-16)"; fi
  echo "$d"
}

cc_approve() {  # org cc channel pkgid policy [sequence collections-file [force]]
  local seq=${6:-$(cc_sequence "$2" "$3")} f=${7:-$(cc_collections_file "$2" "$3")} collections=()
  # "force": approve again even if this sequence was approved (with other collections, by a run
  # that read an older consortium); Fabric accepts a new approval until the sequence is committed.
  if [ "${8:-}" != force ] && cc_approved "$1" "$2" "$3" "$seq"; then return 0; fi
  if [ -f "$f" ]; then collections=(--collections-config "$f"); fi
  (peer_cli_env "$1"; peer lifecycle chaincode approveformyorg -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)" \
    -C "$3" -n "$2" -v "$CC_VERSION" --sequence "$seq" --package-id "$4" \
    $(policy_args "$5") "${collections[@]}" --waitForEvent) >>"$LOGS/admin.log" 2>&1
}

cc_commit() {  # cc channel policy sequence collections-file peer-args...
  local cc=$1 ch=$2 policy=$3 seq=$4 f=$5 collections=(); shift 5
  [ "$(cc_committed_sequence "$cc" "$ch")" -ge "$seq" ] && return 0
  if [ -f "$f" ]; then collections=(--collections-config "$f"); fi
  (peer_cli_env "$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')"
   peer lifecycle chaincode commit -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)" \
     -C "$ch" -n "$cc" -v "$CC_VERSION" --sequence "$seq" $(policy_args "$policy") \
     "${collections[@]}" "$@" --waitForEvent) >>"$LOGS/admin.log" 2>&1
}

cc_committed() {  # cc channel
  (peer_cli_env "$(echo "${CHANNEL_ORGS[$2]}" | awk '{print $1}')"; peer lifecycle chaincode querycommitted -C "$2" -n "$1" >/dev/null 2>&1)
}

# The sequence of the committed definition, 0 when none is.
cc_committed_sequence() {  # cc channel
  local out
  out=$(peer_cli_env "$(echo "${CHANNEL_ORGS[$2]}" | awk '{print $1}')"; peer lifecycle chaincode querycommitted -C "$2" -n "$1" 2>/dev/null) || { echo 0; return 0; }
  sed -nE 's/.*Sequence: ([0-9]+).*/\1/p' <<<"$out" | head -1 | grep . || echo 0
}

# Installs each org's package of the chaincode on that org's peer (cc_package built them).
install_chaincode() {
  local cc=$1 org pkgid
  for org in $(cc_orgs "$cc"); do
    pkgid=$(cat "$(cc_dir "$cc" "$org")/package-id")
    if ! grep -qF "$pkgid" <<<"$(peer_cli_env "$org"; peer lifecycle chaincode queryinstalled 2>/dev/null || true)"; then
      log "installing '$cc' on peer0.$org"
      retry 3 cc_install "$org" "$cc" || die "installing $cc on peer0.$org failed; see $LOGS/admin.log"
    fi
  done
}

# Approves the chaincode definition for every org of each of its channels and commits it, unless committed.
define_chaincode() {
  local cc=$1 org ch policy peers=()
  for ch in ${CC_CHANNELS[$cc]}; do
    policy=${CC_POLICY[$cc/$ch]}
    local recorded="$WORK/chaincode/$cc/definition-$ch"
    if cc_committed "$cc" "$ch"; then
      # Upgrades (a new sequence) are not automated yet: refuse to run with a stale definition.
      if [ -f "$recorded" ] && [ "$(cat "$recorded")" != "$(cc_definition "$cc" "$ch")" ]; then
        die "'$cc' on '$ch' is committed as [$(cat "$recorded")] but this script defines [$(cc_definition "$cc" "$ch")]; start from scratch with 'scripts/network.sh down --purge'"
      fi
      continue
    fi
    peers=()
    for org in ${CHANNEL_ORGS[$ch]}; do
      log "approving '$cc' on '$ch' for ${MSP[$org]}"
      retry 5 cc_approve "$org" "$cc" "$ch" "$(cat "$(cc_dir "$cc" "$org")/package-id")" "$policy" || die "approving $cc on $ch for $org failed; see $LOGS/admin.log"
      peers+=(--peerAddresses "127.0.0.1:$(peer_port "$org")" --tlsRootCertFiles "$(peer_tlsca "$org")")
    done
    log "committing '$cc' on '$ch' with endorsement policy $policy$( [ -f "$(cc_collections_file "$cc" "$ch")" ] && echo " and private data collections $(basename "$(cc_collections_file "$cc" "$ch")")")"
    retry 5 cc_commit "$cc" "$ch" "$policy" "$(cc_sequence "$cc" "$ch")" "$(cc_collections_file "$cc" "$ch")" "${peers[@]}" || die "committing $cc on $ch failed; see $LOGS/admin.log"
    cc_definition "$cc" "$ch" > "$recorded"
  done
}

# Before anything starts: a work folder whose ledger holds another definition of a chaincode (an
# older version of this script) cannot be brought up by this one; say so while nothing runs yet.
check_definitions() {
  local cc ch recorded
  for cc in "${CHAINCODES[@]}"; do
    for ch in ${CC_CHANNELS[$cc]}; do
      recorded="$WORK/chaincode/$cc/definition-$ch"
      if [ -f "$recorded" ] && [ "$(cat "$recorded")" != "$(cc_definition "$cc" "$ch")" ]; then
        die "'$cc' on '$ch' is committed in $WORK as [$(cat "$recorded")] but this script defines [$(cc_definition "$cc" "$ch")]; upgrades are not automated yet: start from scratch with 'scripts/network.sh down --purge' (nothing was started)"
      fi
    done
  done
}

deploy_chaincodes() {
  local cc
  for cc in "${CHAINCODES[@]}"; do install_chaincode "$cc"; done
  # The JVMs started with the nodes; each must listen before the peers are asked to use it.
  local org
  while read -r cc org; do wait_listening "cc-$cc-$org" "$(cc_port "$cc" "$org")"; done < <(cc_servers)
  for cc in "${CHAINCODES[@]}"; do define_chaincode "$cc"; done
  bootstrap_consortium
}

# The consortium's founding on each channel it serves, from that channel's founding file
# (network-config/consortium.json for grid, consortium-<channel>.json for the others): the Genesis
# ballot, cast by each founder's admin (it applies once every founder voted), each transaction
# endorsed by every member's peer of the channel (the chaincode's MAJORITY policy there). A founded
# consortium refuses another Genesis, so on later `up`s this only checks that it exists.
bootstrap_consortium() {
  local ch
  for ch in ${CC_CHANNELS[consortium]}; do bootstrap_consortium_on "$ch"; done
}

consortium_file() {  # channel
  if [ "$1" = grid ]; then echo "$FLEXLEDGER_ROOT/network-config/consortium.json"; else echo "$FLEXLEDGER_ROOT/network-config/consortium-$1.json"; fi
}

bootstrap_consortium_on() {  # channel
  local ch=$1 first peers=() org n=0 out ctor founders msp file
  file=$(consortium_file "$ch")
  for org in ${CHANNEL_ORGS[$ch]}; do
    peers+=(--peerAddresses "127.0.0.1:$(peer_port "$org")" --tlsRootCertFiles "$(peer_tlsca "$org")")
  done
  first=$(echo "${CHANNEL_ORGS[$ch]}" | awk '{print $1}')
  if (peer_cli_env "$first" admin; peer chaincode query -C "$ch" -n consortium -c '{"Args":["GetConsortium"]}' 2>/dev/null) | grep -q '"mspId"'; then
    return 0
  fi
  [ -f "$file" ] || die "the consortium on '$ch' has no founding file ($file)"
  out=$(java -cp "$(cc_jar consortium)" energy.flexledger.chaincode.consortium.Bootstrap "$file") \
    || die "$file is not a consortium (see the error above)"
  ctor=$(sed -n 1p <<<"$out")
  founders=$(sed -n 2p <<<"$out")
  for msp in $founders; do
    org=$(org_of_msp "$msp") || die "$file names $msp, which is not an org of this network (${MSP[*]})"
    [[ " ${CHANNEL_ORGS[$ch]} " == *" $org "* ]] || die "$file names $msp, which is not in channel '$ch' (${CHANNEL_ORGS[$ch]})"
    retry 5 consortium_invoke "$org" "$ch" "$ctor" "${peers[@]}" || die "$msp's vote for the consortium's genesis on '$ch' failed; see $LOGS/admin.log"
    n=$((n + 1))
  done
  log "consortium on '$ch' founded by the votes of its $n founders ($founders)"
}

org_of_msp() { local o; for o in "${ORGS[@]}"; do [ "${MSP[$o]}" = "$1" ] && { echo "$o"; return 0; }; done; return 1; }

consortium_invoke() {  # admin-org channel ctor-json peer-args...
  local org=$1 ch=$2 ctor=$3; shift 3
  (peer_cli_env "$org" admin
   peer chaincode invoke -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)" -C "$ch" -n consortium \
     -c "$ctor" "$@" --waitForEvent) >>"$LOGS/admin.log" 2>&1
}

# ---------------------------------------------------------------------------- client profiles

# One properties file per org for the client app and the tests: where the org's gateway peer is and
# which identity to use. Paths are absolute and point into the work folder.
write_client_profiles() {
  local org who
  mkdir -p "$WORK/clients"
  for org in "${ORGS[@]}"; do
    for who in "${IDENTITIES[@]}"; do
      local msp; msp=$(user_msp "$org" "$who")
      cat > "$WORK/clients/$org-$who.properties" <<EOF
# Generated by scripts/network.sh up: connect as ${MSP[$org]} $who through peer0.$org.
org=$org
mspId=${MSP[$org]}
peerEndpoint=127.0.0.1:$(peer_port "$org")
peerHostAlias=peer0.$org.$DOMAIN
tlsCaCert=$(peer_tlsca "$org")
certFile=$(ls "$msp"/signcerts/*.pem)
keyFile=$(ls "$msp"/keystore/*_sk)
mspDir=$msp
channels=$(for ch in "${CHANNELS[@]}"; do [[ " ${CHANNEL_ORGS[$ch]} " == *" $org "* ]] && printf '%s,' "$ch"; done | sed 's/,$//')
EOF
    done
  done
}

# ---------------------------------------------------------------------------- commands

all_names() { local o; for o in "${CA_ORGS[@]}"; do echo "ca.$o"; done; echo orderer0; for o in "${ORGS[@]}"; do echo "peer0.$o"; done; cc_servers | awk '{ print "cc-" $1 "-" $2 }'; }

any_running() { local n; for n in $(all_names); do proc_alive "$n" && return 0; done; return 1; }

cmd_up() {
  if any_running; then
    if cmd_status >/dev/null 2>&1; then
      log "the network is already up in $WORK; nothing changed (scripts/network.sh status for details)"
      return 0
    fi
    log "the network in $WORK is partly running; starting what is missing"
  fi
  local started; started=$(date +%s)
  fabric
  _ca_bin_init   # builds Fabric CA from the Go module proxy the first time (scripts/install-fabric-ca.sh)
  mkdir -p "$WORK" "$LOGS" "$PIDS"
  touch "$MARKER"
  check_base_port
  check_definitions
  ensure_jars
  generate_collections
  generate_crypto
  render_configtx
  channel_blocks
  start_orderer
  local org
  for org in "${ORGS[@]}"; do start_peer "$org"; done
  # Packaging is offline, so the chaincode JVMs can warm up while the nodes start.
  local cc
  local org
  while read -r cc org; do cc_package "$cc" "$org"; start_chaincode "$cc" "$org"; done < <(cc_servers)
  wait_healthy orderer0 "$(orderer_ops)"
  for org in "${ORGS[@]}"; do wait_healthy "peer0.$org" "$(peer_ops "$org")"; wait_peer_serving "$org"; done
  join_channels
  wait_channels_ordered
  deploy_chaincodes
  wait_gossip
  write_client_profiles
  log "network up in $(( $(date +%s) - started ))s: work folder $WORK, logs in $LOGS"
}

cmd_status() {
  fabric
  local bad=0 n org cc ch
  for org in "${CA_ORGS[@]}"; do
    if proc_alive "ca.$org" && curl -fsS "http://127.0.0.1:$(( $(ca_port "$org") + 1 ))/healthz" >/dev/null 2>&1; then
      printf 'ok    %-20s 127.0.0.1:%s %s\n' "ca.$org" "$(ca_port "$org")" "Fabric CA of $org.$DOMAIN"
    else printf 'DOWN  %s\n' "ca.$org"; bad=1; fi
  done
  if [ -f "$PIDS/orderer0.pid" ] && proc_alive orderer0 && curl -fsS "http://127.0.0.1:$(orderer_ops)/healthz" >/dev/null 2>&1; then
    echo "ok    orderer0             127.0.0.1:$(orderer_port)"
  else echo "DOWN  orderer0"; bad=1; fi
  for org in "${ORGS[@]}"; do
    n="peer0.$org"
    if proc_alive "$n" && curl -fsS "http://127.0.0.1:$(peer_ops "$org")/healthz" >/dev/null 2>&1; then
      printf 'ok    %-20s 127.0.0.1:%s %s\n' "$n" "$(peer_port "$org")" "${MSP[$org]}"
    else printf 'DOWN  %s\n' "$n"; bad=1; fi
  done
  # Each org's peer is asked through its own chaincode server, on every channel the org is in.
  for cc in "${CHAINCODES[@]}"; do
    for org in $(cc_orgs "$cc"); do
      for ch in ${CC_CHANNELS[$cc]}; do
        [[ " ${CHANNEL_ORGS[$ch]} " == *" $org "* ]] || continue
        if proc_alive "cc-$cc-$org" && (peer_cli_env "$org"; timeout 30 peer chaincode query -C "$ch" -n "$cc" \
             -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}' >/dev/null 2>&1); then
          printf 'ok    %-20s answers %s on %s\n' "chaincode $cc" "peer0.$org" "$ch"
        else printf 'DOWN  %-20s for %s on %s\n' "chaincode $cc" "peer0.$org" "$ch"; bad=1; fi
      done
    done
  done
  if [ "$bad" != 0 ]; then
    if [ ! -d "$PIDS" ] || [ -z "$(ls -A "$PIDS" 2>/dev/null)" ]; then
      echo "hint: no network is running from $WORK; 'scripts/network.sh up' starts it"
    else
      echo "hint: logs of every node and chaincode are in $LOGS; 'scripts/network.sh up' starts what is missing"
    fi
  fi
  return $bad
}

cmd_down() {
  local purge=0 n failed=0
  [ "${1:-}" = "--purge" ] && purge=1
  [ -n "${1:-}" ] && [ "$purge" = 0 ] && die "unknown option '$1' for down (only --purge)"
  if [ -d "$PIDS" ] && [ -n "$(ls -A "$PIDS")" ]; then
    # Member gateways first, then chaincodes, peers, the orderer, the CAs: nothing loses its upstream mid-request.
    # Every recorded process, also those of an older layout that all_names no longer lists.
    for n in $( (all_names; find "$PIDS" -name '*.pid' -printf '%f\n' | sed 's/\.pid$//') | awk '!seen[$0]++' \
                | awk '{ print (/^gateway\./ ? 0 : /^cc-/ ? 1 : /^peer/ ? 2 : /^ca\./ ? 4 : 3) " " $0 }' | sort -s -k1,1n | cut -d' ' -f2); do
      stop_proc "$n" || failed=1
    done
  else
    log "no process recorded in $WORK/pids: nothing to stop"
  fi
  [ "$failed" = 0 ] || die "some processes could not be stopped; their PID files are kept in $PIDS"
  if [ "$purge" = 1 ] && [ -d "$WORK" ]; then
    [ -f "$MARKER" ] || die "refusing to delete $WORK: it has no $(basename "$MARKER"), so scripts/network.sh did not create it"
    rm -rf "$WORK"
    log "removed $WORK"
  fi
}

# revoke ORG NAME: revokes every certificate of ORG's identity NAME (User4, or User4@<org domain>) at
# ORG's CA, which writes the CA's CRL into ORG's MSP folders, then puts that CRL into ORG's MSP in
# the config of every channel ORG is in (a config update signed by ORG's Admin, whom the org's own
# Admins policy lets change it), and waits until every peer of the channel has the config block.
# From then on every peer and the orderer refuse the revoked certificate's signatures
# (docs/decisions/0012-fabric-ca.md). Needs jq.
cmd_revoke() {
  local org=${1:-} name=${2:-} reason=${3:-keycompromise}
  [ -n "$org" ] && [ -n "$name" ] || die "usage: network.sh revoke ORG NAME [REASON]   (NAME: e.g. User4; REASON: a CRL reason, default keycompromise)"
  org_index "$org" >/dev/null
  command -v jq >/dev/null 2>&1 || die "revoke needs jq (apt-get install jq)"
  fabric
  local home; home=$(ca_home "$org")
  [ -f "$home/domain" ] || die "$WORK has no Fabric CA of $org (not made by this network.sh, or not up yet)"
  proc_alive "ca.$org" || die "ca.$org is not running: start the network with 'scripts/network.sh up' first"
  local serials
  serials=$(ca_revoke "$home" "$(org_dir "$org")" "$name" "$reason")
  log "revoked $name of $org at ca.$org (serials: $(echo $serials)); its CRL is in $(org_dir "$org")/msp/crls/crl.pem"
  local ch
  for ch in "${CHANNELS[@]}"; do
    [[ " ${CHANNEL_ORGS[$ch]} " == *" $org "* ]] || continue
    channel_set_crl "$org" "$ch"
  done
}

# The config of CHANNEL, decoded to JSON in DIR/config.json (fetched as ORG's admin).
fetch_channel_config() {  # org channel dir
  (peer_cli_env "$1" admin
   retry 5 peer channel fetch config "$3/block.pb" -c "$2" -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)") >"$3/fetch.log" 2>&1 \
    || { cat "$3/fetch.log" >&2; die "could not fetch the config of '$2'"; }
  configtxlator proto_decode --input "$3/block.pb" --type common.Block > "$3/block.json"
  jq '.data.data[0].payload.data.config' "$3/block.json" > "$3/config.json"
  jq -r '.header.number' "$3/block.json"
}

# Waits until every peer of CHANNEL (those in CHANNEL_ORGS) has block NUM.
wait_channel_height() {  # channel num
  local p i height
  for p in ${CHANNEL_ORGS[$1]}; do
    for i in $(seq 1 120); do
      height=$(peer_cli_env "$p"; peer channel getinfo -c "$1" 2>/dev/null | sed -nE 's/.*"height":([0-9]+).*/\1/p') || height=
      [ -n "$height" ] && [ "$height" -gt "$2" ] && break
      [ "$i" = 120 ] && die "peer0.$p has not committed block $2 of '$1' within 60s (height ${height:-unknown})"
      sleep 0.5
    done
  done
}

# DIR/config.json and DIR/modified.json as a config update envelope for CHANNEL, DIR/envelope.pb
# (configtxlator compute_update), ready for signatures and `peer channel update`.
config_update_envelope() {  # channel dir
  local ch=$1 tmp=$2
  configtxlator proto_encode --input "$tmp/config.json" --type common.Config --output "$tmp/config.pb"
  configtxlator proto_encode --input "$tmp/modified.json" --type common.Config --output "$tmp/modified.pb"
  configtxlator compute_update --channel_id "$ch" --original "$tmp/config.pb" --updated "$tmp/modified.pb" --output "$tmp/update.pb"
  configtxlator proto_decode --input "$tmp/update.pb" --type common.ConfigUpdate > "$tmp/update.json"
  jq -n --arg ch "$ch" --slurpfile u "$tmp/update.json" \
    '{payload: {header: {channel_header: {channel_id: $ch, type: 2}}, data: {config_update: $u[0]}}}' > "$tmp/envelope.json"
  configtxlator proto_encode --input "$tmp/envelope.json" --type common.Envelope --output "$tmp/envelope.pb"
}

# channel_set_crl ORG CHANNEL: ORG's msp/crls/crl.pem as the revocation_list of ORG's MSP in the
# channel's config (fetch, decode, edit with jq, compute the update with configtxlator, submit as
# ORG's Admin), then waits for every peer of the channel to commit the config block.
channel_set_crl() {
  local org=$1 ch=$2 mspid=${MSP[$1]} tmp crl
  crl="$(org_dir "$org")/msp/crls/crl.pem"
  [ -s "$crl" ] || die "no CRL at $crl"
  tmp=$(mktemp -d "$WORK/channel-artifacts/crl.XXXXXX")
  fetch_channel_config "$org" "$ch" "$tmp" >/dev/null
  jq -e --arg m "$mspid" '.channel_group.groups.Application.groups[$m]' "$tmp/config.json" >/dev/null \
    || die "$mspid is not a member of '$ch'"
  jq --arg m "$mspid" --arg c "$(base64 -w0 < "$crl")" \
    '.channel_group.groups.Application.groups[$m].values.MSP.value.config.revocation_list = [$c]' "$tmp/config.json" > "$tmp/modified.json"
  if cmp -s <(jq -S . "$tmp/config.json") <(jq -S . "$tmp/modified.json"); then
    rm -rf "$tmp"; log "channel '$ch': $mspid already carries this CRL"; return 0
  fi
  config_update_envelope "$ch" "$tmp"
  log "channel '$ch': submitting $mspid's new CRL (config update signed by $mspid's Admin)"
  (peer_cli_env "$org" admin
   peer channel update -f "$tmp/envelope.pb" -c "$ch" -o "127.0.0.1:$(orderer_port)" --tls --cafile "$(orderer_tlsca)") >"$tmp/update.log" 2>&1 \
    || { cat "$tmp/update.log" >&2; die "the config update of '$ch' was refused"; }
  cat "$tmp/update.log" >> "$LOGS/admin.log"
  # The update is the channel's newest config block: every peer of the channel must have it.
  local num
  num=$(fetch_channel_config "$org" "$ch" "$tmp")
  jq -e --arg m "$mspid" '.channel_group.groups.Application.groups[$m].values.MSP.value.config.revocation_list | length > 0' "$tmp/config.json" >/dev/null \
    || die "the newest config block of '$ch' (block $num) does not carry $mspid's CRL"
  wait_channel_height "$ch" "$num"
  rm -rf "$tmp"
  log "channel '$ch': config block $num with $mspid's CRL committed on the peers of ${CHANNEL_ORGS[$ch]}"
}

# ---------------------------------------------------------------------------- devices (flexledger device)
# A device is a `client` identity of a member org, registered and enrolled at the org's own CA
# (ca_device: the attribute flexledger.asset=<asset id> in its certificate when an asset is given),
# in users/<NAME>@<org domain>/msp, with a client profile <work>/clients/<org>-<NAME>.properties
# (`flexledger --org ORG --as NAME`). These commands print JSON on stdout (jq). Exit codes: 0 done,
# 2 bad input (nothing changed), 3 the device already exists (enroll), 4 no such device (revoke),
# 1 anything else. `flexledger device` runs them (client-app DeviceCommand).
DEVICE_RESERVED="Admin User1 User2 User3 User4 peer0 admin user device client spare"

device_refuse() { local code=$1; shift; printf '%s [%s] ERROR: %s\n' "$(date -u +%H:%M:%S)" "${FLEXLEDGER_SCRIPT:-flexledger}" "$*" >&2; exit "$code"; }

device_check() {  # ORG NAME USAGE: validates both, without side effects
  local org=$1 name=$2 usage=$3 r
  [ -n "$org" ] && [ -n "$name" ] || device_refuse 2 "usage: $usage"
  [[ " ${ORGS[*]} " == *" $org "* ]] || device_refuse 2 "unknown org '$org' (known: ${ORGS[*]})"
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]] \
    || device_refuse 2 "device name '$name': 1 to 63 letters, digits, '-' or '_', starting with a letter or digit"
  for r in $DEVICE_RESERVED; do
    [ "${name,,}" != "${r,,}" ] || device_refuse 2 "'$name' is one of the org's own identities or profile names ($DEVICE_RESERVED): pick another device name"
  done
}

device_dir() { echo "$(org_dir "$1")/users/$2@$1.$DOMAIN"; }

# device_json ORG NAME: what is known of the device locally (its certificate, the org's CRL).
device_json() {
  local org=$1 name=$2 dir cert serial asset revoked=false
  dir=$(device_dir "$org" "$name"); cert="$dir/msp/signcerts/$name@$org.$DOMAIN-cert.pem"
  serial=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/^0*//')
  asset=$(openssl x509 -in "$cert" -noout -text | grep -A1 '1\.2\.3\.4\.5\.6\.7\.8\.1' | grep -o '{.*}' \
          | jq -r '.attrs["flexledger.asset"] // empty' 2>/dev/null || true)
  if [ -s "$(org_dir "$org")/msp/crls/crl.pem" ] \
     && openssl crl -in "$(org_dir "$org")/msp/crls/crl.pem" -noout -text | grep -qiE "Serial Number: 0*$serial\$"; then
    revoked=true
  fi
  jq -n --arg org "$org" --arg msp "${MSP[$org]}" --arg device "$name" --arg id "$name@$org.$DOMAIN" --arg asset "$asset" \
    --arg serial "$serial" --arg mspDir "$dir/msp" --arg cert "$cert" --arg key "$dir/msp/keystore/priv_sk" \
    --arg profile "$WORK/clients/$org-$name.properties" --argjson revoked "$revoked" \
    '{org: $org, mspId: $msp, device: $device, enrollmentId: $id, asset: (if $asset == "" then null else $asset end),
      serial: $serial, revoked: $revoked, mspDir: $mspDir, certFile: $cert, keyFile: $key, profile: $profile}'
}

# enroll ORG NAME [ASSET_ID]: registers and enrols the device NAME at ORG's CA (ca_device), writes its
# client profile (the org's device profile with this identity) and prints device_json.
cmd_enroll() {
  local org=${1:-} name=${2:-} asset=${3:-} home dir
  device_check "$org" "$name" "network.sh enroll ORG NAME [ASSET_ID]   (NAME: e.g. meter-17)"
  [ -z "$asset" ] || [[ "$asset" =~ ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$ ]] \
    || device_refuse 2 "asset id '$asset': 1 to 128 letters, digits, '.', '_', ':' or '-'"
  command -v jq >/dev/null 2>&1 || die "enroll needs jq (apt-get install jq)"
  home=$(ca_home "$org"); dir=$(device_dir "$org" "$name")
  [ -f "$home/domain" ] || die "$WORK has no Fabric CA of $org (not made by this network.sh, or not up yet)"
  [ -f "$WORK/clients/$org-device.properties" ] || die "no client profiles in $WORK/clients: start the network with 'scripts/network.sh up' first"
  [ ! -e "$dir" ] || device_refuse 3 "$name@$org.$DOMAIN is already enrolled ($dir); revoked or not, a device name is used once: pick another"
  proc_alive "ca.$org" || die "ca.$org is not running: start the network with 'scripts/network.sh up' first"
  lock_work
  [ ! -e "$dir" ] || device_refuse 3 "$name@$org.$DOMAIN is already enrolled ($dir)"
  if [ -n "$asset" ]; then
    ca_device "$home" "$(org_dir "$org")" "$name" "$asset"
  else
    CA_USER_TLS=none ca_user "$home" "$(org_dir "$org")" "$name" client
  fi
  sed -e "s|^# Generated by .*|# Generated by scripts/network.sh enroll: connect as ${MSP[$org]} device $name through peer0.$org.|" \
      -e "s|^certFile=.*|certFile=$dir/msp/signcerts/$name@$org.$DOMAIN-cert.pem|" \
      -e "s|^keyFile=.*|keyFile=$dir/msp/keystore/priv_sk|" -e "s|^mspDir=.*|mspDir=$dir/msp|" \
      "$WORK/clients/$org-device.properties" > "$WORK/clients/$org-$name.properties"
  log "enrolled $name@$org.$DOMAIN at ca.$org${asset:+ (flexledger.asset=$asset)}; profile $WORK/clients/$org-$name.properties"
  device_json "$org" "$name"
}

# revoke-device ORG NAME [REASON]: cmd_revoke (CA, CRL, every channel of ORG) for an enrolled device,
# then prints device_json with the revoked serials and each channel's config block.
cmd_revoke_device() {
  local org=${1:-} name=${2:-} reason=${3:-keycompromise} out rc=0
  device_check "$org" "$name" "network.sh revoke-device ORG NAME [REASON]"
  case "$reason" in unspecified|keycompromise|cacompromise|affiliationchange|superseded|cessationofoperation|certificatehold|privilegewithdrawn|aacompromise) ;;
    *) device_refuse 2 "reason '$reason': unspecified, keycompromise, cacompromise, affiliationchange, superseded, cessationofoperation, certificatehold, privilegewithdrawn or aacompromise" ;;
  esac
  [ -d "$(device_dir "$org" "$name")/msp" ] || device_refuse 4 "no device $name enrolled for $org (no $(device_dir "$org" "$name")/msp)"
  lock_work
  out=$(mktemp)
  # Not `( … ) || rc=$?`: bash ignores errexit inside a subshell on the left of ||, and cmd_revoke needs it.
  set +e
  ( set -e; cmd_revoke "$org" "$name" "$reason" ) 2>"$out"
  rc=$?
  set -e
  cat "$out" >&2
  [ "$rc" = 0 ] || { rm -f "$out"; exit "$rc"; }
  # cmd_revoke reports the serials and config blocks in its log lines; they become JSON here.
  local serials blocks
  serials=$(sed -nE "s/.*\] revoked $name of $org at ca\.$org \(serials: ([0-9a-f ]*)\).*/\1/p" "$out" | jq -R 'split(" ") | map(select(. != ""))')
  blocks=$(sed -nE "s/.*\] channel '([^']+)': config block ([0-9]+) with .*/\1 \2/p; s/.*\] channel '([^']+)': [A-Za-z]+ already carries this CRL.*/\1 -/p" "$out" \
           | jq -R 'split(" ") | {channel: .[0], configBlock: (if .[1] == "-" then null else (.[1] | tonumber) end)}' | jq -s .)
  rm -f "$out"
  [ -n "$serials" ] && [ "$(jq length <<<"$blocks")" -gt 0 ] || die "revoked, but could not read the serials and config blocks from cmd_revoke's log"
  device_json "$org" "$name" | jq --argjson s "$serials" --argjson b "$blocks" --arg r "$reason" \
    '. + {reason: $r, revokedSerials: $s, channels: $b}'
}

# devices ORG: a JSON array of device_json for every device enrolled with `enroll` (every identity in
# ORG's users/ but the org's own, DEVICE_RESERVED), revoked ones included.
cmd_devices() {
  local org=${1:-} d name
  [ -n "$org" ] || device_refuse 2 "usage: network.sh devices ORG"
  [[ " ${ORGS[*]} " == *" $org "* ]] || device_refuse 2 "unknown org '$org' (known: ${ORGS[*]})"
  [ -d "$(org_dir "$org")/users" ] || die "$WORK has no identities of $org (not up yet)"
  for d in "$(org_dir "$org")"/users/*@"$org.$DOMAIN"; do
    name=$(basename "$d"); name=${name%@*}
    [[ " $DEVICE_RESERVED " == *" $name "* ]] && continue
    [ -s "$d/msp/signcerts/$name@$org.$DOMAIN-cert.pem" ] && device_json "$org" "$name"
  done | jq -s .
}

# One `up` or `down` at a time per work folder.
lock_work() {
  mkdir -p "$WORK"
  exec 9>"$WORK/.lock"
  flock -n 9 || { log "another network.sh is working in $WORK; waiting up to 10 minutes for it"; flock -w 600 9; } \
    || die "gave up waiting for the lock on $WORK/.lock"
}

# The base port is baked into channel blocks and chaincode packages: a work folder keeps its own.
check_base_port() {
  local recorded
  if [ -f "$WORK/base-port" ]; then
    recorded=$(cat "$WORK/base-port")
    [ "$recorded" = "$BASE_PORT" ] || die "$WORK was created with FLEXLEDGER_BASE_PORT=$recorded, not $BASE_PORT: use that port, another FLEXLEDGER_WORK, or 'down --purge' first"
  else
    echo "$BASE_PORT" > "$WORK/base-port"
  fi
}

cmd_env() {
  fabric
  local org=${1:-} who=${2:-admin}
  [ -n "$org" ] || die "usage: network.sh env ORG [admin|user|device|client|spare]"
  org_index "$org" >/dev/null
  (peer_cli_env "$org" "$who"
   # For `peer chaincode invoke -o "$FLEXLEDGER_ORDERER" --tls --cafile "$FLEXLEDGER_ORDERER_CA" ...`
   local FLEXLEDGER_ORDERER FLEXLEDGER_ORDERER_CA
   # shellcheck disable=SC2034 # printed through ${!v} below
   FLEXLEDGER_ORDERER="127.0.0.1:$(orderer_port)"
   # shellcheck disable=SC2034
   FLEXLEDGER_ORDERER_CA=$(orderer_tlsca)
   for v in FABRIC_CFG_PATH CORE_PEER_LOCALMSPID CORE_PEER_MSPCONFIGPATH CORE_PEER_ADDRESS CORE_PEER_TLS_ENABLED CORE_PEER_TLS_ROOTCERT_FILE \
            FLEXLEDGER_ORDERER FLEXLEDGER_ORDERER_CA; do
     printf 'export %s=%q\n' "$v" "${!v}"
   done
   # shellcheck disable=SC2016 # $PATH is for the shell that evals this
   printf 'export PATH=%q:"$PATH"\n' "$FABRIC_HOME/bin")
}

# gateway ORG: starts ORG's member gateway (`flexledger gateway`: REST API and dashboard on
# 127.0.0.1:<gateway port>, the embedded MQTT broker on the port after it, the OCPP 1.6J central
# system on the one after that, the analytics replica) as a
# recorded process of this network; `down` stops it first. Waits until it answers /health.
cmd_gateway() {
  local org=${1:-} port i
  [ -n "$org" ] || die "usage: network.sh gateway ORG   (starts ORG's member gateway; 'down' stops it)"
  org_index "$org" >/dev/null
  [ -f "$WORK/clients/$org-user.properties" ] || die "$WORK has no client profile of $org: start the network with 'scripts/network.sh up' first"
  port=$(gateway_port "$org")
  if proc_alive "gateway.$org"; then
    log "gateway.$org is running already: http://127.0.0.1:$port/"
    return 0
  fi
  require_free_port "$port" "gateway.$org"
  local jar="$FLEXLEDGER_ROOT/client-app/target/flexledger.jar"
  [ -f "$jar" ] || die "$jar is missing: build with 'mvn -DskipTests package' first"
  # Its own folder (its recorded working directory) and its own copy of the jar: a rebuild while it
  # runs must not pull classes from under it.
  mkdir -p "$WORK/gateway/$org"
  cp "$jar" "$WORK/gateway/$org/flexledger.jar"
  start_proc "gateway.$org" "$WORK/gateway/$org" java ${FLEXLEDGER_GATEWAY_JAVA_OPTS:--Xmx512m} -jar "$WORK/gateway/$org/flexledger.jar" \
    --work "$WORK" --org "$org" gateway --http "127.0.0.1:$port" --mqtt-listen "127.0.0.1:$((port + 1))" --ocpp "127.0.0.1:$((port + 2))" --replica \
    --submit-every 30 --close-after 60 --quiet
  for i in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      log "gateway.$org answers on http://127.0.0.1:$port/ (log: $LOGS/gateway.$org.log)"
      return 0
    fi
    proc_alive "gateway.$org" || { tail -n 20 "$LOGS/gateway.$org.log" >&2; die "gateway.$org stopped while starting (log above)"; }
    sleep 0.2
  done
  die "gateway.$org did not answer /health within 60 s; it is left running (log: $LOGS/gateway.$org.log; 'down' stops it)"
}

case "${1:-}" in
  up)     lock_work; cmd_up ;;
  gateway) shift; lock_work; cmd_gateway "$@" ;;
  down)   shift; if [ -d "$WORK" ]; then lock_work; fi; cmd_down "$@" ;;
  status) cmd_status ;;
  revoke) shift; lock_work; cmd_revoke "$@" ;;
  collections) lock_work; fabric; add_org_collections; log "chaincode-energy's collections match the consortium on the ledger (sequence $(cc_sequence energy grid))" ;;
  add-org) shift; case "${1:-}" in -h|--help|"") add_org_usage; exit 0;; esac; lock_work; cmd_add_org "$@" ;;
  enroll) shift; cmd_enroll "$@" ;;            # takes the lock itself, after checking its input
  revoke-device) shift; cmd_revoke_device "$@" ;;
  devices) shift; cmd_devices "$@" ;;
  env)    shift; cmd_env "$@" ;;
  ports)  for o in "${ORGS[@]}"; do echo "gateway.$o $(gateway_port "$o") mqtt $(( $(gateway_port "$o") + 1 )) ocpp $(( $(gateway_port "$o") + 2 ))"; done; for o in "${CA_ORGS[@]}"; do echo "ca.$o $(ca_port "$o") ops $(( $(ca_port "$o") + 1 ))"; done; echo "orderer0 $(orderer_port) admin $(orderer_admin) ops $(orderer_ops)"; for o in "${ORGS[@]}"; do echo "peer0.$o $(peer_port "$o") cc $(peer_cc_port "$o") ops $(peer_ops "$o")"; done; cc_servers | while read -r c o; do echo "cc-$c-$o $(cc_port "$c" "$o")"; done ;;
  -h|--help|"") sed -n '2,26p' "$0" ;;
  *) die "unknown command '$1' (up, down [--purge], status, gateway ORG, env ORG [admin|user|device|client|spare], revoke ORG NAME, enroll ORG NAME [ASSET], revoke-device ORG NAME, devices ORG, add-org NAME --role ROLE, collections, ports)" ;;
esac
