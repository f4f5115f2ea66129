#!/usr/bin/env bash
# Tests scripts/lib/ca.sh against a real fabric-ca-server: starts one org's CA in a temporary folder,
# enrols its registrar, a peer, an admin, a user (the gateway) and a device bound to an asset,
# checks with openssl the layout, the NodeOUs and the attribute, revokes the device, checks that
# the CRL in the org's MSP lists its serial, stops the CA and checks that no process of it is left.
# It also asks Fabric's own MSP code (scripts/fabric-ca-build/mspcheck, the pinned Fabric commit)
# which role each certificate has and that the device is refused once the MSP carries the CRL.
#
#   scripts/test-ca.sh            (about 10 s once Fabric CA is built; the first run builds it)
#
# Environment: FLEXLEDGER_CA_BENCH_DEVICES=N also times N more devices (one fabric-ca-client register
# and one enroll each), first one after the other, then 4 at a time (ca_devices), before the stop.
# FLEXLEDGER_CA_TEST_PORT (default: the first free pair of ports from 19500 up to
# 19598; the CA uses PORT and PORT+1), FLEXLEDGER_CA_TEST_KEEP=1 keeps the temporary folder.
set -euo pipefail
FLEXLEDGER_SCRIPT=test-ca
# shellcheck source=lib/ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ca.sh"

command -v openssl >/dev/null 2>&1 || die "openssl is needed for the checks (apt-get install openssl)"
_ca_bin_init   # build Fabric CA first, outside the timed part

# Fabric's own MSP code (the pinned Fabric commit) judges the certificates too: mspcheck, built once
# into the cache (about 80 s the first time; FLEXLEDGER_CA_TEST_FABRIC=0 skips these checks).
MSPCHECK=""
if [ "${FLEXLEDGER_CA_TEST_FABRIC:-1}" = 1 ]; then
  MSPCHECK="$FLEXLEDGER_CACHE/fabric-ca/mspcheck-$(fabric_commit)/mspcheck"
  if [ ! -x "$MSPCHECK" ]; then
    log "building mspcheck (Fabric's MSP package at $(fabric_commit)) into $(dirname "$MSPCHECK")"
    (cd "$FLEXLEDGER_ROOT/scripts/fabric-ca-build/mspcheck" && go build -trimpath -o "$MSPCHECK.tmp" . && mv "$MSPCHECK.tmp" "$MSPCHECK") \
      || die "could not build scripts/fabric-ca-build/mspcheck (FLEXLEDGER_CA_TEST_FABRIC=0 skips the Fabric MSP checks)"
  fi
fi
# fabric_says CERT EXPECTED: Fabric's MSP, set up from the org's msp/ folder, prints "valid ROLE" or
# "invalid ERROR" for CERT; EXPECTED is matched against that (a grep pattern).
fabric_says() { "$MSPCHECK" DsoMSP "$ORG/msp" "$1" 2>/dev/null | grep -q " $2"; }

started=$(date +%s)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/flexledger-ca-test.XXXXXX")
TMP=$(realpath "$TMP")
CA_HOME="$TMP/ca/dso"
PIDS="$TMP/pids"
DOMAIN=dso.flexledger.local
ORG="$TMP/crypto/peerOrganizations/$DOMAIN"
ASSET=MTR-TEST-1

passed=0 failed=0
ok()   { passed=$((passed + 1)); printf 'ok     %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf 'FAILED %s\n' "$*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what"; fi; }

cleanup() {
  ca_server_stop "$CA_HOME" "$PIDS" >/dev/null 2>&1 || true
  if [ "${FLEXLEDGER_CA_TEST_KEEP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${FLEXLEDGER_CA_TEST_PORT:-}
if [ -z "$PORT" ]; then
  for p in $(seq 19500 2 19598); do
    if port_free "$p" && port_free $((p + 1)); then PORT=$p; break; fi
  done
  [ -n "$PORT" ] || die "no free pair of ports between 19500 and 19599"
fi

# ------------------------------------------------------------------ the CA and its identities
ca_server_start "$CA_HOME" "$DOMAIN" "$PORT" "$PIDS"
ca_wait_ready "$CA_HOME" 30
ok "ca.dso answers on 127.0.0.1:$PORT (TLS) after $(( $(date +%s) - started ))s"
ca_enroll_admin "$CA_HOME"
ca_org_msp "$CA_HOME" "$ORG"
ca_peer "$CA_HOME" "$ORG" peer0
ca_user "$CA_HOME" "$ORG" Admin admin
ca_user "$CA_HOME" "$ORG" User1 client          # the org's gateway identity
ca_device "$CA_HOME" "$ORG" User2 "$ASSET"     # a device bound to one asset
ok "registered and enrolled peer0, Admin, User1 (gateway) and User2 (device of $ASSET)"

# ------------------------------------------------------------------ layout (as cryptogen's)
CACERT="ca.$DOMAIN-cert.pem" TLSCACERT="tlsca.$DOMAIN-cert.pem"
PEER="$ORG/peers/peer0.$DOMAIN"
u() { echo "$ORG/users/$1@$DOMAIN"; }
expect_files() {
  local f
  for f in msp/cacerts/$CACERT msp/config.yaml msp/tlscacerts/$TLSCACERT ca/$CACERT tlsca/$TLSCACERT \
           peers/peer0.$DOMAIN/msp/{cacerts/$CACERT,config.yaml,keystore/priv_sk,signcerts/peer0.$DOMAIN-cert.pem,tlscacerts/$TLSCACERT} \
           peers/peer0.$DOMAIN/tls/{ca.crt,server.crt,server.key}; do
    [ -s "$ORG/$f" ] || { echo "missing $f"; return 1; }
  done
  for who in Admin User1 User2; do
    for f in msp/cacerts/$CACERT msp/config.yaml msp/keystore/priv_sk msp/signcerts/$who@$DOMAIN-cert.pem msp/tlscacerts/$TLSCACERT; do
      [ -s "$(u "$who")/$f" ] || { echo "missing users/$who@$DOMAIN/$f"; return 1; }
    done
  done
  for who in Admin User1; do
    for f in ca.crt client.crt client.key; do [ -s "$(u "$who")/tls/$f" ] || { echo "missing $who tls/$f"; return 1; }; done
  done
}
check "the org folder has cryptogen's layout (msp, ca, tlsca, peers/peer0, users/Admin, User1, User2)" expect_files
check "config.yaml enables NodeOUs client, peer, admin, orderer against $CACERT" \
  bash -c "grep -q 'Enable: true' '$ORG/msp/config.yaml' && [ \$(grep -c 'Certificate: cacerts/$CACERT' '$ORG/msp/config.yaml') = 4 ] \
           && for ou in client peer admin orderer; do grep -q \"OrganizationalUnitIdentifier: \$ou\" '$ORG/msp/config.yaml' || exit 1; done"
check "the private key file names match network.sh's keystore/*_sk" bash -c "ls '$(u User1)'/msp/keystore/*_sk"

before=$(cat "$(u Admin)/msp/signcerts/Admin@$DOMAIN-cert.pem")
ca_server_start "$CA_HOME" "$DOMAIN" "$PORT" "$PIDS" 2>/dev/null
ca_user "$CA_HOME" "$ORG" Admin admin
check "a second ca_server_start and ca_user change nothing (idempotent)" \
  bash -c "[ \"\$(cat '$(u Admin)/msp/signcerts/Admin@$DOMAIN-cert.pem')\" = '$before' ] && [ \$(ls '$PIDS' | wc -l) = 1 ]"
CA_REENROLL=1 ca_user "$CA_HOME" "$ORG" User3 client
CA_REENROLL=1 ca_user "$CA_HOME" "$ORG" User3 client   # registered already: gets a new secret, then a new certificate
check "CA_REENROLL=1 enrols an identity that is already registered again" test -s "$(u User3)/msp/signcerts/User3@$DOMAIN-cert.pem"

# ------------------------------------------------------------------ certificates
subject() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
has_ou() { subject "$1" | tr ',' '\n' | grep -qx "OU=$2"; }
verify() { openssl verify -CAfile "$1" "$2" | grep -q ': OK$'; }
check "peer0's enrolment certificate carries OU=peer"   has_ou "$PEER/msp/signcerts/peer0.$DOMAIN-cert.pem" peer
check "Admin's enrolment certificate carries OU=admin"  has_ou "$(u Admin)/msp/signcerts/Admin@$DOMAIN-cert.pem" admin
check "User1's enrolment certificate carries OU=client" has_ou "$(u User1)/msp/signcerts/User1@$DOMAIN-cert.pem" client
check "User2's enrolment certificate carries OU=client" has_ou "$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem" client
check "the CNs are cryptogen's (peer0.$DOMAIN, Admin@$DOMAIN)" \
  bash -c "openssl x509 -in '$PEER/msp/signcerts/peer0.$DOMAIN-cert.pem' -noout -subject | grep -q 'CN *= *peer0.$DOMAIN' \
        && openssl x509 -in '$(u Admin)/msp/signcerts/Admin@$DOMAIN-cert.pem' -noout -subject | grep -q 'CN *= *Admin@$DOMAIN'"
for who in Admin User1 User2; do
  check "$who's certificate is issued by ca.$DOMAIN" verify "$ORG/msp/cacerts/$CACERT" "$(u "$who")/msp/signcerts/$who@$DOMAIN-cert.pem"
done
check "peer0's enrolment certificate is issued by ca.$DOMAIN" verify "$ORG/msp/cacerts/$CACERT" "$PEER/msp/signcerts/peer0.$DOMAIN-cert.pem"
attrs() { openssl x509 -in "$1" -noout -text | grep -A1 '1\.2\.3\.4\.5\.6\.7\.8\.1' | tail -1; }
check "User2's certificate carries the attribute flexledger.asset=$ASSET (extension 1.2.3.4.5.6.7.8.1)" \
  bash -c "openssl x509 -in '$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem' -noout -text | grep -A1 '1\.2\.3\.4\.5\.6\.7\.8\.1' | grep -q '\"flexledger.asset\":\"$ASSET\"'"
check "User1's certificate carries no flexledger.asset attribute" \
  bash -c "! openssl x509 -in '$(u User1)/msp/signcerts/User1@$DOMAIN-cert.pem' -noout -text | grep -q flexledger.asset"
check "the private key matches the certificate (User2)" \
  bash -c "[ \"\$(openssl pkey -in '$(u User2)/msp/keystore/priv_sk' -pubout)\" = \"\$(openssl x509 -in '$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem' -noout -pubkey)\" ]"
check "peer0's TLS certificate is issued by tlsca.$DOMAIN (tls/ca.crt), not by ca.$DOMAIN" \
  bash -c "openssl verify -CAfile '$PEER/tls/ca.crt' '$PEER/tls/server.crt' | grep -q ': OK\$' && ! openssl verify -CAfile '$ORG/msp/cacerts/$CACERT' '$PEER/tls/server.crt' >/dev/null 2>&1"
check "peer0's TLS certificate is for peer0.$DOMAIN, localhost and 127.0.0.1, server and client auth" \
  bash -c "t=\$(openssl x509 -in '$PEER/tls/server.crt' -noout -text); grep -q 'DNS:peer0.$DOMAIN' <<<\"\$t\" && grep -q 'DNS:localhost' <<<\"\$t\" && grep -q 'IP Address:127.0.0.1' <<<\"\$t\" && grep -q 'TLS Web Server Authentication, TLS Web Client Authentication' <<<\"\$t\""
check "the device has no TLS pair (it talks to its member's gateway only)" test ! -e "$(u User2)/tls"

if [ -n "$MSPCHECK" ]; then
  check "Fabric's MSP (DsoMSP from msp/) takes peer0 for a peer"  fabric_says "$PEER/msp/signcerts/peer0.$DOMAIN-cert.pem" "valid peer\$"
  check "Fabric's MSP takes Admin for an admin"                 fabric_says "$(u Admin)/msp/signcerts/Admin@$DOMAIN-cert.pem" "valid admin\$"
  check "Fabric's MSP takes User1 (gateway) for a client"       fabric_says "$(u User1)/msp/signcerts/User1@$DOMAIN-cert.pem" "valid client\$"
  check "Fabric's MSP takes User2 (device) for a client"        fabric_says "$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem" "valid client\$"
  check "Fabric's MSP refuses peer0's TLS certificate as an identity" fabric_says "$PEER/tls/server.crt" "invalid"
fi

printf 'Fast1 MTR-F1\nFast2 MTR-F2\n' | ca_devices_fast "$CA_HOME" "$ORG" 2
check "ca_devices_fast (bulkenroll) makes devices with the same layout and attribute" \
  bash -c "for f in cacerts/$CACERT tlscacerts/$TLSCACERT config.yaml keystore/priv_sk signcerts/Fast2@$DOMAIN-cert.pem; do [ -s '$(u Fast2)/msp/'\$f ] || exit 1; done; \
           openssl x509 -in '$(u Fast2)/msp/signcerts/Fast2@$DOMAIN-cert.pem' -noout -text | grep -q '\"flexledger.asset\":\"MTR-F2\"' \
           && [ \"\$(openssl pkey -in '$(u Fast2)/msp/keystore/priv_sk' -pubout)\" = \"\$(openssl x509 -in '$(u Fast2)/msp/signcerts/Fast2@$DOMAIN-cert.pem' -noout -pubkey)\" ]"
[ -n "$MSPCHECK" ] && check "Fabric's MSP takes a bulkenroll device for a client" fabric_says "$(u Fast1)/msp/signcerts/Fast1@$DOMAIN-cert.pem" "valid client\$"

# ------------------------------------------------------------------ revocation
serial=$(openssl x509 -in "$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
revoked=$(ca_revoke "$CA_HOME" "$ORG" User2)
check "ca_revoke reports the device's serial $serial" bash -c "grep -qx '${serial#0}' <<<'$(sed 's/^0*//' <<<"$revoked")' || grep -qx '$serial' <<<'$revoked'"
crl_serials() { openssl crl -in "$1" -noout -text | awk '/Serial Number:/ { print tolower($3) }'; }
check "the org MSP carries a CRL (msp/crls/crl.pem)" test -s "$ORG/msp/crls/crl.pem"
check "the CRL is signed by ca.$DOMAIN" bash -c "openssl crl -in '$ORG/msp/crls/crl.pem' -CAfile '$ORG/msp/cacerts/$CACERT' -noout 2>&1 | grep -q 'verify OK'"
check "the CRL lists the device's serial" bash -c "crl=\$(openssl crl -in '$ORG/msp/crls/crl.pem' -noout -text | awk '/Serial Number:/ { print tolower(\$3) }'); grep -qx '$serial' <<<\"\$crl\" || grep -qx '${serial#0}' <<<\"\$crl\""
user1=$(openssl x509 -in "$(u User1)/msp/signcerts/User1@$DOMAIN-cert.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
check "the CRL does not list the gateway (User1)" bash -c "! openssl crl -in '$ORG/msp/crls/crl.pem' -noout -text | grep -qi 'Serial Number: *0*${user1#0}\$'"
check "openssl rejects the device's certificate with the CRL" \
  bash -c "cat '$ORG/msp/cacerts/$CACERT' '$ORG/msp/crls/crl.pem' > '$TMP/chain-crl.pem'; openssl verify -crl_check -CAfile '$TMP/chain-crl.pem' '$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem' 2>&1 | grep -q 'certificate revoked'"
check "... and still accepts the gateway's" \
  bash -c "openssl verify -crl_check -CAfile '$TMP/chain-crl.pem' '$(u User1)/msp/signcerts/User1@$DOMAIN-cert.pem' | grep -q ': OK\$'"
check "peer0's and the admin's local MSPs carry the same CRL" \
  bash -c "cmp -s '$ORG/msp/crls/crl.pem' '$PEER/msp/crls/crl.pem' && cmp -s '$ORG/msp/crls/crl.pem' '$(u Admin)/msp/crls/crl.pem'"

if [ -n "$MSPCHECK" ]; then
  check "Fabric's MSP with the CRL refuses the device: 'The certificate has been revoked'" \
    fabric_says "$(u User2)/msp/signcerts/User2@$DOMAIN-cert.pem" "invalid .*The certificate has been revoked"
  check "... and still takes the gateway (User1) for a client" fabric_says "$(u User1)/msp/signcerts/User1@$DOMAIN-cert.pem" "valid client\$"
  check "... and peer0 for a peer" fabric_says "$PEER/msp/signcerts/peer0.$DOMAIN-cert.pem" "valid peer\$"
fi

# ------------------------------------------------------------------ optional: enrolment time
n=${FLEXLEDGER_CA_BENCH_DEVICES:-0}
if [ "$n" -gt 0 ]; then
  t0=$(date +%s%N)
  for i in $(seq 1 "$n"); do ca_device "$CA_HOME" "$ORG" "seq$i" "MTR-SEQ-$i"; done
  t1=$(date +%s%N)
  for i in $(seq 1 "$n"); do echo "par$i MTR-PAR-$i"; done | ca_devices "$CA_HOME" "$ORG" 4
  t2=$(date +%s%N)
  for i in $(seq 1 "$n"); do echo "blk$i MTR-BLK-$i"; done | ca_devices_fast "$CA_HOME" "$ORG" 4
  t3=$(date +%s%N)
  log "bench: $n devices one after the other in $(( (t1 - t0) / 1000000 )) ms ($(( (t1 - t0) / 1000000 / n )) ms each); 4 at a time in $(( (t2 - t1) / 1000000 )) ms ($(( (t2 - t1) / 1000000 / n )) ms each); in one process (bulkenroll, 4 at a time) in $(( (t3 - t2) / 1000000 )) ms ($(( (t3 - t2) / 1000000 / n )) ms each)"
  check "bench: $((3 * n)) more device folders" test "$(ls "$ORG/users" | grep -c '^\(seq\|par\|blk\)[0-9]*@')" = $((3 * n))
fi

# ------------------------------------------------------------------ stop
pid=$(awk '{ print $1 }' "$PIDS/ca.dso.pid")
ca_server_stop "$CA_HOME" "$PIDS"
check "the CA's recorded process ($pid) is gone and its PID file removed" bash -c "[ ! -d /proc/$pid ] && [ ! -e '$PIDS/ca.dso.pid' ]"
left() { local p; for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$CA_HOME" ] && echo "${p#/proc/}"; done; true; }
check "no process runs in the CA's folder" test -z "$(left)"
check "the CA's ports $PORT and $((PORT + 1)) are free again" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/$((PORT + 1))) 2>/dev/null"

log "done in $(( $(date +%s) - started ))s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
