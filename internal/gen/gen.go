// Package gen writes realistic request files in bulk, deterministically from
// a seed, for benchmarks and resource tests.
package gen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Options choose what to generate.
type Options struct {
	N    int
	Seed uint64
	// InvalidShare is the share of files (0 to 1) carrying one of the
	// mistakes publishers make (see mistakes).
	InvalidShare float64
}

// mistakes are realistic errors, one per invalid file.
var mistakes = []struct{ old, new string }{
	{"datapass: D", "datapass: H"},                                            // datapass-number
	{"    - https://", "    - http://"},                                       // uri-https
	{"/oidc/callback\n", "/oidc/callback#retour\n"},                           // uri-fragment
	{"signature: ES256", "signature: HS256"},                                  // schema
	{"  contacts:", "  client_secret: x\n  contacts:"},                        // schema (unknown field)
	{"    - 203.0.113.", "    - 10.0.0."},                                     // ip-address
	{"Portail citoyen", "Portail  citoyen "},                                  // display-name
	{"scopes: [openid,", "scopes: [openid, preferred_username,"},              // scope-preferred-username
	{"\n  site:", "\n  site: https://portail.commune.fr/#accueil\n  x-site:"}, // several
}

// Request returns the i-th generated request and its path relative to the
// root. All platforms and environments occur; names, DataPass numbers and
// URIs are unique so that cross-file rules find nothing to report in valid
// files.
func Request(rng *rand.Rand, i int) (path string, content []byte) {
	plus := i%2 == 0
	production := i%3 != 0
	platform, environment := "franceconnect", "integration"
	if plus {
		platform = "franceconnect-plus"
	}
	if production || !plus {
		environment = "production" // FC integration is not requested here
	}
	name := fmt.Sprintf("commune-%05d-portail", i)
	host := fmt.Sprintf("portail.commune-%05d.fr", i)
	b := fmt.Appendf(nil, `# yaml-language-server: $schema=../../../schema/service-provider.draft-07.schema.json
apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: %s
spec:
  platform: %s
  environment: %s
  organisation: Commune numéro %d
  displayName: Commune %d - Portail citoyen
  site: https://%s/
  datapass: D%d
`, name, platform, environment, i, i, host, 100000+i)
	if environment == "production" {
		b = fmt.Appendf(b, "  qualification: %d\n  plannedProductionDate: 2027-%02d-%02d\n", 5000000+i, 3+rng.IntN(9), 1+rng.IntN(28))
	}
	b = fmt.Appendf(b, `  redirectUris:
    - https://%s/oidc/callback
  postLogoutRedirectUris:
    - https://%s/oidc/logout
  ipAddresses:
    - 203.0.113.%d
`, host, host, rng.IntN(256))
	if plus {
		b = fmt.Appendf(b, "  jwksUri: https://%s/.well-known/jwks.json\n  signature: ES256\n  encryption: ECDH-ES\n  eidas: eidas2\n", host)
	} else {
		b = fmt.Appendf(b, "  signature: ES256\n  eidas: eidas1\n")
	}
	b = fmt.Appendf(b, "  scopes: [openid, given_name, family_name, birthdate]\n  contacts: [numerique@commune-%05d.fr]\n", i)
	return filepath.Join("providers", platform, environment, name+".yaml"), b
}

// Write writes opts.N requests under root/providers; the same options
// always give the same bytes.
func Write(root string, opts Options) error {
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed))
	for i := range opts.N {
		rel, content := Request(rng, i)
		if opts.InvalidShare > 0 && rng.Float64() < opts.InvalidShare {
			m := mistakes[rng.IntN(len(mistakes))]
			content = bytes.Replace(content, []byte(m.old), []byte(m.new), 1)
		}
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Tree writes n valid requests under root/providers.
func Tree(root string, n int, seed uint64) error {
	return Write(root, Options{N: n, Seed: seed})
}
