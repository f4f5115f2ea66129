// Command bulkenroll registers and enrolls many device identities in one process (the fast path of
// scripts/lib/ca.sh's ca_devices_fast): one TLS client for the registrar, one for the enrolments,
// a few at a time, instead of two fabric-ca-client processes per device.
//
// Reads "NAME ASSET_ID" lines on stdin; for each, registers NAME@DOMAIN as a client with the
// attribute flexledger.asset=ASSET_ID (in the certificate), enrolls it and writes
// USERS/NAME@DOMAIN/msp/{signcerts/NAME@DOMAIN-cert.pem,keystore/priv_sk} plus a copy of every file
// of the TEMPLATE MSP folder (cacerts, tlscacerts, config.yaml, crls): cryptogen's layout.
//
//	bulkenroll -url https://127.0.0.1:PORT -caname ca.DOMAIN -domain DOMAIN -tlsroot CA_HOME/ca-cert.pem \
//	  -registrar CA_HOME/clients/registrar -template ORG/msp -users ORG/users -jobs 4 < lines
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cloudflare/cfssl/csr"
	"github.com/hyperledger/fabric-ca/api"
	"github.com/hyperledger/fabric-ca/lib"
	"github.com/hyperledger/fabric-ca/lib/tls"
)

func main() {
	url := flag.String("url", "", "the CA server, https://127.0.0.1:PORT")
	caname := flag.String("caname", "", "the CA's name (ca.DOMAIN)")
	domain := flag.String("domain", "", "the org's domain")
	tlsroot := flag.String("tlsroot", "", "the CA server's TLS root certificate")
	registrar := flag.String("registrar", "", "the registrar's client home (with msp/)")
	template := flag.String("template", "", "an MSP folder whose files every device's msp/ gets")
	users := flag.String("users", "", "where the users/<NAME@DOMAIN> folders go")
	jobs := flag.Int("jobs", 4, "enrolments at a time")
	flag.Parse()
	for _, v := range []*string{url, caname, domain, tlsroot, registrar, template, users} {
		if *v == "" {
			fmt.Fprintln(os.Stderr, "bulkenroll: -url, -caname, -domain, -tlsroot, -registrar, -template and -users are required")
			os.Exit(2)
		}
	}
	tlscfg := tls.ClientTLSConfig{Enabled: true, CertFiles: []string{*tlsroot}}
	reg := &lib.Client{HomeDir: *registrar, Config: &lib.ClientConfig{URL: *url, MSPDir: "msp", TLS: tlscfg, CAName: *caname}}
	regID, err := reg.LoadMyIdentity()
	check(err, "loading the registrar's identity")
	scratch, err := os.MkdirTemp(*users, ".bulkenroll-")
	check(err, "making a scratch folder")
	defer os.RemoveAll(scratch)
	enr := &lib.Client{HomeDir: scratch, Config: &lib.ClientConfig{URL: *url, MSPDir: "msp", TLS: tlscfg, CAName: *caname}}
	check(enr.Init(), "initialising the enrolment client")

	type job struct{ name, asset string }
	work := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for w := 0; w < *jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if err := device(regID, enr, j.name, j.asset, *domain, *caname, *template, *users, scratch); err != nil {
					mu.Lock()
					failed++
					fmt.Fprintf(os.Stderr, "bulkenroll: %s: %v\n", j.name, err)
					mu.Unlock()
				}
			}
		}()
	}
	in := bufio.NewScanner(os.Stdin)
	n := 0
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) != 2 {
			continue
		}
		work <- job{f[0], f[1]}
		n++
	}
	close(work)
	wg.Wait()
	fmt.Printf("%d devices, %d failed\n", n, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

func device(regID *lib.Identity, enr *lib.Client, name, asset, domain, caname, template, users, scratch string) error {
	cn := name + "@" + domain
	secret := make([]byte, 15)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	pw := hex.EncodeToString(secret)
	_, err := regID.Register(&api.RegistrationRequest{Name: cn, Type: "client", Secret: pw, Affiliation: "",
		Attributes: []api.Attribute{{Name: "flexledger.asset", Value: asset, ECert: true}}, CAName: caname})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	resp, err := enr.Enroll(&api.EnrollmentRequest{Name: cn, Secret: pw, CAName: caname, Type: "x509",
		CSR: &api.CSRInfo{CN: cn, Names: []csr.Name{{C: "EU", O: domain}}}})
	if err != nil {
		return fmt.Errorf("enroll: %w", err)
	}
	signer := resp.Identity.GetECert()
	keyFile := filepath.Join(scratch, "msp", "keystore", hex.EncodeToString(signer.Key().SKI())+"_sk")
	msp := filepath.Join(users, cn, "msp")
	if err := os.RemoveAll(filepath.Join(users, cn)); err != nil {
		return err
	}
	if err := copyTree(template, msp); err != nil {
		return err
	}
	for _, d := range []string{"signcerts", "keystore"} {
		if err := os.MkdirAll(filepath.Join(msp, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(msp, "signcerts", cn+"-cert.pem"), signer.Cert(), 0o644); err != nil {
		return err
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("the new private key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(msp, "keystore", "priv_sk"), key, 0o600); err != nil {
		return err
	}
	return os.Remove(keyFile)
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

func check(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "bulkenroll: %s: %v\n", what, err)
		os.Exit(1)
	}
}
