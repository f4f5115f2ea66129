# Shared helpers for FlexLedger scripts. Source it; do not run it.
# shellcheck shell=bash

# Physical paths (pwd -P): the kernel reports a process's working folder without symlinks.
FLEXLEDGER_ROOT="${FLEXLEDGER_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}"
FLEXLEDGER_CACHE="${FLEXLEDGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flexledger}"

log()  { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${FLEXLEDGER_SCRIPT:-flexledger}" "$*" >&2; }
die()  { printf '%s [%s] ERROR: %s\n' "$(date -u +%H:%M:%S)" "${FLEXLEDGER_SCRIPT:-flexledger}" "$*" >&2; exit 1; }

# Fails with a clear message unless Go 1.MINOR or newer is installed; WHAT names what needs it.
require_go() {
  local need=$1 what=$2 gov minor
  command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.${need} or newer (https://go.dev/doc/install; on Debian: apt-get install golang-go) and run again."
  gov=$(go env GOVERSION 2>/dev/null || true)
  minor=$(echo "$gov" | sed -nE 's/^go1\.([0-9]+).*/\1/p')
  if [ -z "$minor" ] || [ "$minor" -lt "$need" ]; then
    die "Go ${gov:-unknown} is too old: $what needs Go 1.${need} or newer. Install a newer Go and run again."
  fi
  echo "$gov"
}

# The Fabric pseudo-version pinned in scripts/fabric-build/go.mod: the single place it is set.
fabric_version() {
  awk '$1 == "require" && $2 == "github.com/hyperledger/fabric" { print $3 }' \
    "$FLEXLEDGER_ROOT/scripts/fabric-build/go.mod"
}

# The Fabric release that commit is, from the "// release vX.Y.Z" comment on the same go.mod line.
fabric_release() {
  awk '$1 == "require" && $2 == "github.com/hyperledger/fabric" && $4 == "//" && $5 == "release" { sub(/^v/, "", $6); print $6 }' \
    "$FLEXLEDGER_ROOT/scripts/fabric-build/go.mod"
}

# Short commit hash from the pseudo-version (its last dash-separated field).
fabric_commit() { fabric_version | awk -F- '{ print $NF }'; }

fabric_home() { echo "$FLEXLEDGER_CACHE/fabric/$(fabric_commit)"; }
