//go:build tools

// Package tools pins the Hyperledger Fabric CA commands that scripts/install-fabric-ca.sh builds.
// Building them from this module (rather than `go install pkg@version`) lets go.sum pin every
// dependency and avoids the module proxy's version-list (deprecation) lookup, which this
// workplace's proxy refuses.
package tools

import (
	_ "github.com/hyperledger/fabric-ca/cmd/fabric-ca-client"
	_ "github.com/hyperledger/fabric-ca/cmd/fabric-ca-server"
)
