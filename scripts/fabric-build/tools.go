//go:build tools

// Package tools pins the Hyperledger Fabric commands that scripts/install-fabric.sh builds.
// Building them from this module (rather than `go install pkg@version`) lets go.sum pin every
// dependency and avoids the module proxy's version-list lookup, which this workplace's proxy refuses.
package tools

import (
	_ "github.com/hyperledger/fabric/cmd/configtxgen"
	_ "github.com/hyperledger/fabric/cmd/configtxlator"
	_ "github.com/hyperledger/fabric/cmd/cryptogen"
	_ "github.com/hyperledger/fabric/cmd/orderer"
	_ "github.com/hyperledger/fabric/cmd/osnadmin"
	_ "github.com/hyperledger/fabric/cmd/peer"
)
