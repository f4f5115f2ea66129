#!/usr/bin/env bash
# Installs Hyperledger Fabric's native binaries (peer, orderer, configtxgen, configtxlator,
# osnadmin; not cryptogen: identities come from Fabric CA, scripts/install-fabric-ca.sh), its sample
# configuration and FlexLedger's chaincode-as-a-service external builder into a cache folder keyed
# by the pinned Fabric commit. Does nothing when already there.
#
#   scripts/install-fabric.sh          install if needed, print the install folder
#   scripts/install-fabric.sh --force  rebuild even when installed
#
# Environment: FLEXLEDGER_CACHE (default ~/.cache/flexledger).
set -euo pipefail
FLEXLEDGER_SCRIPT=install-fabric
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

MIN_GO_MINOR=22   # Fabric 2.5 needs Go 1.20+; the pinned dependencies are tested here with 1.26.
BINARIES=(peer orderer configtxgen configtxlator osnadmin)   # no cryptogen: identities come from Fabric CA (decision 0012)

force=0
case "${1:-}" in
  --force) force=1 ;;
  ""|--quiet) ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) die "unknown option '$1' (try --help)" ;;
esac

version=$(fabric_version)
[ -n "$version" ] || die "no github.com/hyperledger/fabric line in scripts/fabric-build/go.mod"
home=$(fabric_home)
stamp="$home/.installed"

if [ "$force" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
  for b in "${BINARIES[@]}"; do [ -x "$home/bin/$b" ] || { force=1; break; }; done
  if [ "$force" = 0 ]; then
    echo "$home"
    exit 0
  fi
fi

gov=$(require_go "$MIN_GO_MINOR" "Fabric")

log "installing Fabric $version with $gov into $home (first build takes a few minutes on 2 cores)"
started=$(date +%s)
tmp="$home.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/bin" "$tmp/config"
trap 'rm -rf "$tmp"' EXIT

cd "$FLEXLEDGER_ROOT/scripts/fabric-build"
log "downloading modules (checked against go.sum)"
go mod download github.com/hyperledger/fabric \
  || die "could not download github.com/hyperledger/fabric@$version from the Go module proxy ($(go env GOPROXY))."

commit=$(fabric_commit)
release=$(fabric_release)
[ -n "$release" ] || die "scripts/fabric-build/go.mod must say which release the pinned commit is ('// release vX.Y.Z')"
ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$release -X github.com/hyperledger/fabric/common/metadata.CommitSHA=$commit"
pkgs=()
for b in "${BINARIES[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$b"); done
log "building ${BINARIES[*]}"
go build -trimpath -ldflags "$ldflags" -o "$tmp/bin/" "${pkgs[@]}"

moddir=$(go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)
[ -d "$moddir/sampleconfig" ] || die "Fabric's sampleconfig is missing from $moddir"
cp -R "$moddir/sampleconfig/." "$tmp/config/"
chmod -R u+w "$tmp/config"

rm -rf "$home"
mkdir -p "$(dirname "$home")"
mv "$tmp" "$home"
trap - EXIT
echo "$version" > "$stamp"
log "installed in $(( $(date +%s) - started ))s: $("$home/bin/peer" version | awk '/Version:/ {print $2}') ($commit)"
echo "$home"
