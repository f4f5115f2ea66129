#!/usr/bin/env bash
# Installs Hyperledger Fabric CA's native binaries (fabric-ca-server, fabric-ca-client), built from
# the Go module pinned in scripts/fabric-ca-build, and FlexLedger's bulkenroll (the fast path of
# many device enrolments, from the same module) into a cache folder keyed by the pinned version.
# Does nothing when already there.
#
#   scripts/install-fabric-ca.sh          install if needed, print the install folder
#   scripts/install-fabric-ca.sh --force  rebuild even when installed
#
# Environment: FLEXLEDGER_CACHE (default ~/.cache/flexledger). Needs Go and a C compiler (cgo:
# the CA's SQLite driver).
set -euo pipefail
FLEXLEDGER_SCRIPT=install-fabric-ca
# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

MIN_GO_MINOR=23   # fabric-ca v1.5.15's go.mod says go 1.23.5; tested here with 1.26.
BINARIES=(fabric-ca-server fabric-ca-client bulkenroll)   # bulkenroll: FlexLedger's, ./bulkenroll here
BUILD="$FLEXLEDGER_ROOT/scripts/fabric-ca-build"

force=0
case "${1:-}" in
  --force) force=1 ;;
  ""|--quiet) ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  *) die "unknown option '$1' (try --help)" ;;
esac

# The single place the version is pinned: the require line of scripts/fabric-ca-build/go.mod.
version=$(awk '$1 == "require" && $2 == "github.com/hyperledger/fabric-ca" { print $3 }' "$BUILD/go.mod")
[ -n "$version" ] || die "no 'require github.com/hyperledger/fabric-ca vX.Y.Z' line in $BUILD/go.mod"
home="$FLEXLEDGER_CACHE/fabric-ca/$version"
stamp="$home/.installed"

if [ "$force" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
  for b in "${BINARIES[@]}"; do [ -x "$home/bin/$b" ] || { force=1; break; }; done
  if [ "$force" = 0 ]; then
    echo "$home"
    exit 0
  fi
fi

gov=$(require_go "$MIN_GO_MINOR" "Fabric CA $version")
command -v "$(go env CC 2>/dev/null || echo gcc)" >/dev/null 2>&1 \
  || die "no C compiler ($(go env CC)): Fabric CA's SQLite driver needs cgo. On Debian: apt-get install gcc"

log "installing Fabric CA $version with $gov into $home (the first build takes about 3 minutes on 2 cores)"
started=$(date +%s)
tmp="$home.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp/bin"
trap 'rm -rf "$tmp"' EXIT

cd "$BUILD"
log "downloading modules (checked against go.sum)"
go mod download github.com/hyperledger/fabric-ca \
  || die "could not download github.com/hyperledger/fabric-ca@$version from the Go module proxy ($(go env GOPROXY))."

pkgs=(./bulkenroll)
for b in fabric-ca-server fabric-ca-client; do pkgs+=("github.com/hyperledger/fabric-ca/cmd/$b"); done
log "building ${BINARIES[*]}"
CGO_ENABLED=1 go build -trimpath -ldflags "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=${version#v}" \
  -o "$tmp/bin/" "${pkgs[@]}" \
  || die "go build of Fabric CA $version failed (see the messages above)"

rm -rf "$home"
mkdir -p "$(dirname "$home")"
mv "$tmp" "$home"
trap - EXIT
echo "$version" > "$stamp"
log "installed in $(( $(date +%s) - started ))s: fabric-ca-server $("$home/bin/fabric-ca-server" version | awk '/Version:/ {print $2}')"
echo "$home"
