# Fabric CA helpers for FlexLedger scripts: one fabric-ca-server per member org, and the MSP folders
# of its peers, admins, users and devices laid out exactly as cryptogen lays them out
# (work/network/crypto/peerOrganizations/<org>/...), so scripts/network.sh can use either.
# Source it; do not run it. Sourcing defines functions only (it also sources lib/common.sh if its
# log/die are not defined yet). See docs/decisions/0012-fabric-ca.md.
# shellcheck shell=bash
#
# One server process per org hosts two CAs (fabric-ca-server's `cafiles`):
#   ca.<domain>     the identity CA: enrolment certificates, NodeOUs (OU = the identity type), attributes
#   tlsca.<domain>  the TLS CA: server/client TLS certificates (profile `tls`)
# The server listens with TLS on PORT (its TLS certificate is issued by ca.<domain>) and its
# operations endpoint (/healthz) on 127.0.0.1:PORT+1.
#
# Functions (CA_HOME is the server's folder; it keeps the keys of both CAs, their databases, the
# registrar's client MSPs and, in `port`, the port it serves on):
#   ca_server_start CA_HOME DOMAIN PORT PIDS_DIR [LOG_FILE]  start in the background; PID in PIDS_DIR/ca.<org>.pid
#   ca_wait_ready   CA_HOME [SECONDS]                        poll until both CAs answer (default 30 s)
#   ca_enroll_admin CA_HOME                                  enrol the bootstrap registrar on both CAs
#   ca_org_msp      CA_HOME ORG_DIR                          ORG_DIR/{msp,ca,tlsca}: the org MSP for configtx
#   ca_peer         CA_HOME ORG_DIR NAME                     ORG_DIR/peers/NAME.<domain>/{msp,tls}
#   ca_orderer      CA_HOME ORG_DIR NAME                     ORG_DIR/orderers/NAME.<domain>/{msp,tls}
#   ca_user         CA_HOME ORG_DIR NAME TYPE [k=v ...]      ORG_DIR/users/NAME@<domain>/{msp,tls}; TYPE admin|client
#   ca_device       CA_HOME ORG_DIR NAME ASSET_ID            a client with flexledger.asset=ASSET_ID, no TLS pair
#   ca_devices      CA_HOME ORG_DIR JOBS < "NAME ASSET_ID" lines   many devices, JOBS in parallel
#   ca_devices_fast CA_HOME ORG_DIR JOBS < "NAME ASSET_ID" lines   the same in one process (bulkenroll)
#   ca_revoke       CA_HOME ORG_DIR NAME [REASON]            revoke NAME@<domain> (or NAME), refresh ORG_DIR's CRLs
#   ca_gencrl       CA_HOME ORG_DIR                          write the CA's current CRL into every MSP of ORG_DIR
#   ca_server_stop  CA_HOME PIDS_DIR                         stop the server by its recorded PID
#   ca_server_alive CA_HOME PIDS_DIR                         exit 0 while the recorded process runs
# Environment: FABRIC_CA_BIN (folder with fabric-ca-server and fabric-ca-client; default: what
# scripts/install-fabric-ca.sh installs, built on first use).

if ! declare -F log >/dev/null 2>&1 || ! declare -F die >/dev/null 2>&1; then
  # shellcheck source=common.sh
  source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fi

# ---------------------------------------------------------------------------- internals

# Sets FABRIC_CA_BIN in the calling shell (installing Fabric CA the first time): every public
# function calls it first, so the helpers below never run the installer from a subshell.
_ca_bin_init() {
  if [ -z "${FABRIC_CA_BIN:-}" ]; then
    local home
    # BASH_SOURCE[0] is this file, wherever the caller is.
    home=$("${FLEXLEDGER_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}/scripts/install-fabric-ca.sh") \
      || die "could not install Fabric CA"
    FABRIC_CA_BIN="$home/bin"
  fi
}

_ca_domain() { cat "$1/domain" 2>/dev/null || die "$1 is not a CA home made by ca_server_start (no 'domain' file)"; }
_ca_port()   { cat "$1/port"   2>/dev/null || die "$1 is not a CA home made by ca_server_start (no 'port' file)"; }
_ca_short()  { echo "${1%%.*}"; }   # dso.flexledger.local -> dso
_ca_pidname() { echo "ca.$(_ca_short "$(_ca_domain "$1")")"; }

# _ca_client CA_HOME CLIENT_HOME ARGS...: fabric-ca-client with the CA's TLS root, quiet unless it fails.
_ca_client() {
  local home=$1 chome=$2 out; shift 2
  mkdir -p "$chome"
  if ! out=$(FABRIC_CA_CLIENT_HOME="$chome" "$FABRIC_CA_BIN/fabric-ca-client" "$@" --tls.certfiles "$home/ca-cert.pem" 2>&1); then
    printf '%s\n' "$out" | grep -v '^[0-9/]* [0-9:]* \[INFO\]' >&2
    return 1
  fi
  printf '%s\n' "$out"
}

_ca_url() { echo "https://${2:+$2@}127.0.0.1:$(_ca_port "$1")"; }   # _ca_url CA_HOME [user:secret]

_ca_nodeou_config() {
  local cacert=$1 ou
  printf 'NodeOUs:\n  Enable: true\n'
  for ou in Client:client Peer:peer Admin:admin Orderer:orderer; do
    printf '  %sOUIdentifier:\n    Certificate: cacerts/%s\n    OrganizationalUnitIdentifier: %s\n' "${ou%%:*}" "$cacert" "${ou#*:}"
  done
}

# _ca_local_msp CA_HOME DIR CN: DIR/{cacerts,tlscacerts,config.yaml} as cryptogen writes them.
_ca_msp_common() {
  local home=$1 dir=$2 domain; domain=$(_ca_domain "$home")
  mkdir -p "$dir/cacerts" "$dir/tlscacerts"
  cp "$home/ca-cert.pem" "$dir/cacerts/ca.$domain-cert.pem"
  cp "$home/tlsca/ca-cert.pem" "$dir/tlscacerts/tlsca.$domain-cert.pem"
  _ca_nodeou_config "ca.$domain-cert.pem" > "$dir/config.yaml"
  if [ -f "$home/crl.pem" ]; then mkdir -p "$dir/crls"; cp "$home/crl.pem" "$dir/crls/crl.pem"; fi
}

# _ca_register CA_HOME CAKIND(ca|tlsca) ID TYPE [ATTRS]: registers ID (or, when it exists, gives it a
# new secret) and prints the secret. Registration is by the bootstrap registrar.
_ca_register() {
  local home=$1 kind=$2 id=$3 type=$4 attrs=${5:-} secret domain reg caname out
  domain=$(_ca_domain "$home")
  secret=$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)
  if [ "$kind" = tlsca ]; then reg="$home/clients/registrar-tls"; caname="tlsca.$domain"; else reg="$home/clients/registrar"; caname="ca.$domain"; fi
  [ -f "$reg/msp/signcerts/cert.pem" ] || die "the registrar of $caname is not enrolled: call ca_enroll_admin $home first"
  local args=(register -u "$(_ca_url "$home")" --caname "$caname" --id.name "$id" --id.secret "$secret" --id.type "$type" --id.affiliation "")
  [ -n "$attrs" ] && args+=(--id.attrs "$attrs")
  if ! out=$(_ca_client "$home" "$reg" "${args[@]}" 2>&1); then
    if grep -q 'already registered' <<<"$out"; then
      _ca_client "$home" "$reg" identity modify "$id" -u "$(_ca_url "$home")" --caname "$caname" --secret "$secret" >/dev/null \
        || die "could not reset the secret of '$id' on $caname"
    else
      printf '%s\n' "$out" >&2
      die "could not register '$id' ($type) on $caname"
    fi
  fi
  echo "$secret"
}

# _ca_enroll CA_HOME CAKIND ID SECRET OUTDIR [extra enroll args]: enrols into OUTDIR (a scratch MSP).
_ca_enroll() {
  local home=$1 kind=$2 id=$3 secret=$4 out=$5 domain caname; shift 5
  domain=$(_ca_domain "$home")
  if [ "$kind" = tlsca ]; then caname="tlsca.$domain"; else caname="ca.$domain"; fi
  rm -rf "$out"
  _ca_client "$home" "$home/clients/scratch" enroll -u "$(_ca_url "$home" "$id:$secret")" --caname "$caname" \
    -M "$out" --csr.cn "$id" --csr.names "C=EU,O=$domain" "$@" >/dev/null || die "could not enrol '$id' on $caname"
}

# _ca_identity CA_HOME DIR CN TYPE TLSROLE(server|client|none) HOSTS ATTRS: an enrolled identity in
# DIR/{msp,tls}, laid out as cryptogen does. An identity already there is left alone (so `up` can
# call it every time) unless CA_REENROLL=1, which registers it again (new secret) and enrols a new key.
_ca_identity() {
  local home=$1 dir=$2 cn=$3 type=$4 tlsrole=$5 hosts=$6 attrs=$7 secret tmp
  if [ "${CA_REENROLL:-0}" != 1 ] && [ -s "$dir/msp/signcerts/$cn-cert.pem" ] \
     && { [ "$tlsrole" = none ] || [ -s "$dir/tls/$tlsrole.crt" ]; }; then
    return 0
  fi
  tmp=$(mktemp -d "$home/clients/enroll.XXXXXX")
  secret=$(_ca_register "$home" ca "$cn" "$type" "$attrs")
  _ca_enroll "$home" ca "$cn" "$secret" "$tmp/msp" ${hosts:+--csr.hosts "$hosts"}
  rm -rf "$dir/msp" "$dir/tls"
  mkdir -p "$dir/msp/signcerts" "$dir/msp/keystore"
  cp "$tmp/msp/signcerts/cert.pem" "$dir/msp/signcerts/$cn-cert.pem"
  cp "$tmp"/msp/keystore/*_sk "$dir/msp/keystore/priv_sk"
  _ca_msp_common "$home" "$dir/msp"
  if [ "$tlsrole" != none ]; then
    secret=$(_ca_register "$home" tlsca "$cn" "$type")
    _ca_enroll "$home" tlsca "$cn" "$secret" "$tmp/tls" --enrollment.profile tls ${hosts:+--csr.hosts "$hosts"}
    mkdir -p "$dir/tls"
    cp "$home/tlsca/ca-cert.pem" "$dir/tls/ca.crt"
    cp "$tmp/tls/signcerts/cert.pem" "$dir/tls/$tlsrole.crt"
    cp "$tmp"/tls/keystore/*_sk "$dir/tls/$tlsrole.key"
  fi
  chmod 600 "$dir/msp/keystore/priv_sk" "$dir"/tls/*.key 2>/dev/null || true
  rm -rf "$tmp"
}

# ---------------------------------------------------------------------------- the server

ca_server_start() {
  _ca_bin_init
  local home=$1 domain=$2 port=$3 pids=$4 log=${5:-} short secret
  [ -n "$home" ] && [ -n "$domain" ] && [ -n "$port" ] && [ -n "$pids" ] \
    || die "usage: ca_server_start CA_HOME DOMAIN PORT PIDS_DIR [LOG_FILE]"
  [[ "$domain" =~ ^[a-z0-9-]+(\.[a-z0-9-]+)+$ ]] || die "ca_server_start: '$domain' is not a DNS domain (e.g. dso.flexledger.local)"
  [[ "$port" =~ ^[0-9]+$ ]] || die "ca_server_start: port '$port' is not a number"
  home=$(realpath -m "$home"); pids=$(realpath -m "$pids")
  short=$(_ca_short "$domain")
  log=${log:-$home/server.log}
  mkdir -p "$home/tlsca" "$home/clients" "$pids" "$(dirname "$log")"
  if [ -f "$home/domain" ] && [ "$(cat "$home/domain")" != "$domain" ]; then
    die "$home is the CA home of $(cat "$home/domain"), not $domain"
  fi
  echo "$domain" > "$home/domain"
  if ca_server_alive "$home" "$pids"; then
    [ "$(cat "$home/port" 2>/dev/null)" = "$port" ] || die "ca.$short already runs from $home on port $(cat "$home/port" 2>/dev/null), not $port"
    log "ca.$short is already running"; return 0
  fi
  echo "$port" > "$home/port"
  echo "$pids" > "$home/pids-dir"
  local p; for p in "$port" $((port + 1)); do
    ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || die "port $p (for ca.$short) is already in use by another program"
  done
  # The registrar's password: made once, kept only in the CA home (mode 600).
  if [ ! -s "$home/registrar.secret" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24 > "$home/registrar.secret")
  fi
  secret=$(cat "$home/registrar.secret")
  _ca_write_config "$home" "$domain" "$port" "$secret" "ca.$domain" > "$home/fabric-ca-server-config.yaml"
  _ca_write_config "$home/tlsca" "$domain" "$port" "$secret" "tlsca.$domain" > "$home/tlsca/fabric-ca-config.yaml"
  chmod 600 "$home/fabric-ca-server-config.yaml" "$home/tlsca/fabric-ca-config.yaml"
  log "starting ca.$short ($domain) on 127.0.0.1:$port (operations $((port + 1))), home $home"
  # setsid: its own session, so a Ctrl-C of the caller does not reach it; 9>&-: no inherited locks.
  (cd "$home" && exec setsid env -i "PATH=$PATH" "HOME=$HOME" \
     "$FABRIC_CA_BIN/fabric-ca-server" start -H "$home" -c "$home/fabric-ca-server-config.yaml" \
     >>"$log" 2>&1 < /dev/null 9>&-) &
  echo "$! $home" > "$pids/ca.$short.pid"
}

# _ca_write_config DIR DOMAIN PORT SECRET CANAME: the configuration of one CA (the server's own for
# ca.<domain>; a `cafiles` entry for tlsca.<domain>). Paths are relative to DIR.
_ca_write_config() {
  local dir=$1 domain=$2 port=$3 secret=$4 caname=$5 org
  org=$(_ca_short "$domain")
  local tlsprofile_usage='[digital signature, key encipherment, server auth, client auth, key agreement]'
  if [ "${caname%%.*}" = ca ]; then
    cat <<EOF
# Written by scripts/lib/ca.sh (ca_server_start); rewritten at every start.
version: 1.5.15
port: $port
address: 127.0.0.1
debug: false
crlsizelimit: 512000
cacount:
cafiles: [tlsca/fabric-ca-config.yaml]
tls:
  enabled: true
  certfile:
  keyfile:
  clientauth:
    type: noclientcert
    certfiles:
operations:
  listenAddress: 127.0.0.1:$((port + 1))
  tls:
    enabled: false
metrics:
  provider: disabled
EOF
  fi
  cat <<EOF
ca:
  name: $caname
  keyfile:
  certfile:
  chainfile:
crl:
  expiry: 720h
registry:
  maxenrollments: -1
  identities:
    - name: admin
      pass: $secret
      type: client
      affiliation: ""
      attrs:
        hf.Registrar.Roles: "*"
        hf.Registrar.DelegateRoles: "*"
        hf.Revoker: true
        hf.IntermediateCA: true
        hf.GenCRL: true
        hf.Registrar.Attributes: "*"
        hf.AffiliationMgr: true
db:
  type: sqlite3
  datasource: fabric-ca-server.db
  tls:
    enabled: false
affiliations:
  $org: []
signing:
  default:
    usage: [digital signature]
    expiry: 8760h
  profiles:
    tls:
      usage: $tlsprofile_usage
      expiry: 8760h
csr:
  cn: $caname
  keyrequest:
    algo: ecdsa
    size: 256
  names:
    - C: EU
      O: $domain
  hosts: [localhost, 127.0.0.1, $caname]
  ca:
    expiry: 131400h
    pathlength: 1
idemix:
  curve: amcl.Fp256bn
bccsp:
  default: SW
  sw:
    hash: SHA2
    security: 256
    filekeystore:
      keystore: msp/keystore
EOF
}

ca_server_alive() {
  local home pids name pid dir
  home=$(realpath -m "$1"); pids=$(realpath -m "$2")
  name=$(_ca_pidname "$home")
  [ -f "$pids/$name.pid" ] || return 1
  read -r pid dir < "$pids/$name.pid" || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$dir" ]
}

# ca_wait_ready CA_HOME [SECONDS]: polls /healthz and then both CAs' cainfo, every 0.2 s, up to
# SECONDS (default 30); fails at once if the recorded process has exited.
ca_wait_ready() {
  _ca_bin_init
  local home seconds=${2:-30} port domain deadline pids
  home=$(realpath -m "$1"); port=$(_ca_port "$home"); domain=$(_ca_domain "$home")
  deadline=$(( $(date +%s) + seconds ))
  pids=$(cat "$home/pids-dir" 2>/dev/null || true)
  while :; do
    if curl -fsS "http://127.0.0.1:$((port + 1))/healthz" >/dev/null 2>&1 \
       && _ca_client "$home" "$home/clients/scratch" getcainfo -u "$(_ca_url "$home")" --caname "ca.$domain" -M "$home/clients/scratch/cainfo" >/dev/null 2>&1 \
       && _ca_client "$home" "$home/clients/scratch" getcainfo -u "$(_ca_url "$home")" --caname "tlsca.$domain" -M "$home/clients/scratch/tlscainfo" >/dev/null 2>&1; then
      return 0
    fi
    if [ -n "$pids" ]; then
      ca_server_alive "$home" "$pids" || die "ca.$(_ca_short "$domain") exited during start-up; see its log (default $home/server.log)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "ca.$(_ca_short "$domain") did not answer on 127.0.0.1:$port within ${seconds}s"
    sleep 0.2
  done
}

ca_server_stop() {
  local home pids name pid dir i
  home=$(realpath -m "$1"); pids=$(realpath -m "$2")
  name=$(_ca_pidname "$home")
  [ -f "$pids/$name.pid" ] || return 0
  read -r pid dir < "$pids/$name.pid" || true
  if ca_server_alive "$home" "$pids"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do ca_server_alive "$home" "$pids" || break; sleep 0.2; done
    if ca_server_alive "$home" "$pids"; then
      log "$name (pid $pid) ignored SIGTERM for 10s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 1 25); do ca_server_alive "$home" "$pids" || break; sleep 0.2; done
    fi
    ca_server_alive "$home" "$pids" && { log "ERROR: $name (pid $pid) is still running after SIGKILL"; return 1; }
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pids/$name.pid"
}

# ---------------------------------------------------------------------------- identities

ca_enroll_admin() {
  _ca_bin_init
  local home secret domain kind
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home")
  secret=$(cat "$home/registrar.secret")
  for kind in ca tlsca; do
    local chome="$home/clients/registrar"; [ "$kind" = tlsca ] && chome="$home/clients/registrar-tls"
    [ -f "$chome/msp/signcerts/cert.pem" ] && continue
    _ca_client "$home" "$chome" enroll -u "$(_ca_url "$home" "admin:$secret")" --caname "$kind.$domain" >/dev/null \
      || die "could not enrol the registrar of $kind.$domain"
  done
}

# ca_org_msp CA_HOME ORG_DIR: the org's MSP (what configtx.yaml's MSPDir points at) and the CA
# certificates in ca/ and tlsca/ (cryptogen also puts the CA keys there; the keys stay in CA_HOME).
ca_org_msp() {
  local home org_dir domain
  home=$(realpath -m "$1"); org_dir=$2; domain=$(_ca_domain "$home")
  _ca_msp_common "$home" "$org_dir/msp"
  mkdir -p "$org_dir/ca" "$org_dir/tlsca"
  cp "$home/ca-cert.pem" "$org_dir/ca/ca.$domain-cert.pem"
  cp "$home/tlsca/ca-cert.pem" "$org_dir/tlsca/tlsca.$domain-cert.pem"
}

ca_peer() {
  _ca_bin_init
  local home org_dir=$2 name=$3 domain
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home")
  _ca_identity "$home" "$org_dir/peers/$name.$domain" "$name.$domain" peer server "$name.$domain,localhost,127.0.0.1" ""
}

ca_orderer() {
  _ca_bin_init
  local home org_dir=$2 name=$3 domain
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home")
  _ca_identity "$home" "$org_dir/orderers/$name.$domain" "$name.$domain" orderer server "$name.$domain,localhost,127.0.0.1" ""
}

# ca_user CA_HOME ORG_DIR NAME TYPE [k=v ...]: TYPE admin or client; each k=v becomes an attribute
# in the enrolment certificate (Fabric CA's `:ecert`), readable by chaincode (ClientIdentity).
ca_user() {
  _ca_bin_init
  local home org_dir=$2 name=$3 type=$4 domain attrs="" kv
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home"); shift 4
  case "$type" in admin|client) ;; *) die "ca_user: TYPE must be admin or client, not '$type'";; esac
  for kv in "$@"; do attrs+="${attrs:+,}$kv:ecert"; done
  _ca_identity "$home" "$org_dir/users/$name@$domain" "$name@$domain" "$type" "${CA_USER_TLS:-client}" "" "$attrs"
}

# ca_device CA_HOME ORG_DIR NAME ASSET_ID: a device is a client bound to one asset; it talks to its
# member's gateway, never to a peer directly, so it gets no TLS pair (CA_USER_TLS=client to add one).
ca_device() {
  CA_USER_TLS=${CA_USER_TLS:-none} ca_user "$1" "$2" "$3" client "flexledger.asset=$4"
}

# ca_devices CA_HOME ORG_DIR JOBS: reads "NAME ASSET_ID" lines on stdin and makes each a device
# (ca_device), JOBS at a time. Fails if any of them failed.
ca_devices() {
  _ca_bin_init
  local home=$1 org_dir=$2 jobs=${3:-4} name asset failed=0 pids=()
  ca_wait_ready "$home" 5   # also writes the scratch client's configuration once, before the parallel runs
  while read -r name asset; do
    [ -n "$name" ] || continue
    ( ca_device "$home" "$org_dir" "$name" "$asset" ) &
    pids+=("$!")
    if [ "${#pids[@]}" -ge "$jobs" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
  done
  for name in "${pids[@]}"; do wait "$name" || failed=1; done
  [ "$failed" = 0 ] || die "some devices could not be registered or enrolled (see above)"
}

# ca_devices_fast CA_HOME ORG_DIR JOBS: the same as ca_devices, in one process (bulkenroll, built
# with Fabric CA from scripts/fabric-ca-build): no two client processes per device.
ca_devices_fast() {
  _ca_bin_init
  local home org_dir=$2 jobs=${3:-4} domain
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home")
  [ -x "$FABRIC_CA_BIN/bulkenroll" ] || die "no bulkenroll in $FABRIC_CA_BIN: run scripts/install-fabric-ca.sh --force"
  [ -d "$org_dir/msp/cacerts" ] || die "ca_devices_fast: call ca_org_msp $home $org_dir first"
  mkdir -p "$org_dir/users"
  "$FABRIC_CA_BIN/bulkenroll" -url "$(_ca_url "$home")" -caname "ca.$domain" -domain "$domain" \
    -tlsroot "$home/ca-cert.pem" -registrar "$home/clients/registrar" -template "$org_dir/msp" \
    -users "$org_dir/users" -jobs "$jobs" 2> >(grep -v '\[INFO\]' >&2) >/dev/null \
    || die "some devices could not be registered or enrolled (see above)"
}

# ca_revoke CA_HOME ORG_DIR NAME [REASON]: revokes every certificate of the identity (NAME@<domain>,
# or NAME when it already has an @ or is a node name), then refreshes the CRL in ORG_DIR. Prints the
# revoked serials (hex, lower case). The network learns of it only through a channel config update
# of the org's MSP (docs/decisions/0012-fabric-ca.md).
ca_revoke() {
  _ca_bin_init
  local home org_dir=$2 name=$3 reason=${4:-keycompromise} domain id out
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home")
  case "$name" in *@*|*."$domain") id=$name ;; *) id="$name@$domain" ;; esac
  out=$(_ca_client "$home" "$home/clients/registrar" revoke -u "$(_ca_url "$home")" --caname "ca.$domain" \
        -e "$id" -r "$reason" 2>&1) || { printf '%s\n' "$out" >&2; die "could not revoke '$id' on ca.$domain"; }
  ca_gencrl "$home" "$org_dir"
  grep 'revoked certificates' <<<"$out" | grep -oE 'Serial:[0-9a-fA-F]+' | cut -d: -f2 | tr 'A-F' 'a-f' || true
}

# ca_gencrl CA_HOME ORG_DIR: the CA's CRL (all revoked, unexpired certificates) into every MSP under
# ORG_DIR that trusts this CA: the org MSP (for the channel config) and the local MSPs of its nodes.
ca_gencrl() {
  _ca_bin_init
  local home org_dir=$2 domain msp
  home=$(realpath -m "$1"); domain=$(_ca_domain "$home")
  _ca_client "$home" "$home/clients/registrar" gencrl -u "$(_ca_url "$home")" --caname "ca.$domain" >/dev/null \
    || die "could not generate the CRL of ca.$domain"
  cp "$home/clients/registrar/msp/crls/crl.pem" "$home/crl.pem"
  while IFS= read -r msp; do
    mkdir -p "$msp/crls"; cp "$home/crl.pem" "$msp/crls/crl.pem"
  done < <(find "$org_dir" -type f -path "*/msp/cacerts/ca.$domain-cert.pem" -printf '%h\n' | xargs -r -n1 dirname)
}
