// Command mspcheck asks Fabric's own MSP code (the code peers and orderers run, from the pinned
// Fabric commit) what it thinks of certificates: it loads an MSP folder as a channel member's MSP
// (cacerts, tlscacerts, crls, config.yaml with NodeOUs) and, for each certificate, prints one line:
//
//	<file> valid <role>        the identity validates; role = the NodeOU role Fabric gives it
//	<file> invalid <error>     Validate failed (for example "The certificate has been revoked")
//
// Usage: go run . MSPID MSPDIR CERT.pem...   (exit 0 unless the MSP itself cannot be loaded)
package main

import (
	"fmt"
	"os"

	"github.com/hyperledger/fabric-protos-go/msp"
	"github.com/hyperledger/fabric/bccsp/sw"
	fmsp "github.com/hyperledger/fabric/msp"
	"github.com/golang/protobuf/proto"
)

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: mspcheck MSPID MSPDIR CERT.pem...")
		os.Exit(2)
	}
	id, dir := os.Args[1], os.Args[2]
	conf, err := fmsp.GetVerifyingMspConfig(dir, id, "bccsp")
	fail(err, "reading the MSP folder")
	csp, err := sw.NewDefaultSecurityLevelWithKeystore(sw.NewDummyKeyStore())
	fail(err, "creating the crypto provider")
	m, err := fmsp.New(&fmsp.BCCSPNewOpts{NewBaseOpts: fmsp.NewBaseOpts{Version: fmsp.MSPv1_4_3}}, csp)
	fail(err, "creating the MSP")
	fail(m.Setup(conf), "setting the MSP up")
	roles := []msp.MSPRole_MSPRoleType{msp.MSPRole_ADMIN, msp.MSPRole_PEER, msp.MSPRole_ORDERER, msp.MSPRole_CLIENT}
	for _, f := range os.Args[3:] {
		pem, err := os.ReadFile(f)
		fail(err, "reading "+f)
		raw, err := proto.Marshal(&msp.SerializedIdentity{Mspid: id, IdBytes: pem})
		fail(err, "serialising")
		ident, err := m.DeserializeIdentity(raw)
		if err != nil {
			fmt.Printf("%s invalid %v\n", f, err)
			continue
		}
		if err := ident.Validate(); err != nil {
			fmt.Printf("%s invalid %v\n", f, err)
			continue
		}
		role := "none"
		for _, r := range roles {
			pr, _ := proto.Marshal(&msp.MSPRole{MspIdentifier: id, Role: r})
			if ident.SatisfiesPrincipal(&msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: pr}) == nil {
				role = map[msp.MSPRole_MSPRoleType]string{msp.MSPRole_ADMIN: "admin", msp.MSPRole_PEER: "peer", msp.MSPRole_ORDERER: "orderer", msp.MSPRole_CLIENT: "client"}[r]
				break
			}
		}
		fmt.Printf("%s valid %s\n", f, role)
	}
}

func fail(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "mspcheck: %s: %v\n", what, err)
		os.Exit(1)
	}
}
