// Renders a step-ca X.509 template as step-ca does, for tests/exporters/test_step_ca_templates.py.
//
// step-ca executes a provisioner's template with Go's text/template and sprig's functions;
// the exported templates use two of them, copied here from Masterminds/sprig @ 989da45d7c08
// (defaults.go toJson; reflect.go typeIs and typeOf). The data is what smallstep/crypto's
// x509util gives a template: .Subject, .SANs and .Insecure.CR, whose PublicKey is the parsed
// CSR's key (x509util/certificate_request.go newCertificateRequest).
//
// Usage: step_ca_render TEMPLATE CSR.pem  (the rendered certificate JSON on stdout)
package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"text/template"
)

func toJson(v interface{}) string {
	output, _ := json.Marshal(v)
	return string(output)
}

func typeOf(src interface{}) string {
	return fmt.Sprintf("%T", src)
}

func typeIs(target string, src interface{}) bool {
	return target == typeOf(src)
}

type certificateRequest struct {
	PublicKey interface{}
}

func main() {
	text, err := os.ReadFile(os.Args[1])
	check(err)
	csrPEM, err := os.ReadFile(os.Args[2])
	check(err)
	block, _ := pem.Decode(csrPEM)
	if block == nil {
		check(fmt.Errorf("no PEM block in %s", os.Args[2]))
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	check(err)
	sans := []map[string]string{}
	for _, name := range csr.DNSNames {
		sans = append(sans, map[string]string{"type": "dns", "value": name})
	}
	data := map[string]interface{}{
		"Subject":  map[string]interface{}{"commonName": csr.Subject.CommonName},
		"SANs":     sans,
		"Insecure": map[string]interface{}{"CR": &certificateRequest{PublicKey: csr.PublicKey}},
	}
	funcs := template.FuncMap{"toJson": toJson, "typeIs": typeIs}
	tpl, err := template.New("x509").Funcs(funcs).Option("missingkey=error").Parse(string(text))
	check(err)
	check(tpl.Execute(os.Stdout, data))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
